UNWIND $ids AS id
MATCH (m:Metric {id: id})
RETURN m.id AS id, coalesce(m.obsAt, []) AS at, coalesce(m.obsValue, []) AS value
