// The latest observed value at or before $asOf (ISO date text, like obsAt) of every metric with one.
MATCH (m:Metric)
WHERE m.obsAt IS NOT NULL
WITH m, [i IN range(size(m.obsAt) - 1, 0, -1) WHERE m.obsAt[i] <= $asOf] AS idx
WHERE size(idx) > 0
RETURN m.id AS id, m.obsAt[idx[0]] AS at, m.obsValue[idx[0]] AS value
