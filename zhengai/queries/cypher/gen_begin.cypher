// A load begins (a small transaction under the graph's lock): it takes a new generation number for the
// graph it will write beside the current one; only the load holding m.staging may switch to it.
MERGE (m:ZhengaiMeta {key: 'graph'})
SET m.lock = coalesce(m.lock, 0) + 1,
    m.generations = CASE WHEN coalesce(m.generations, 0) > coalesce(m.generation, 0)
                         THEN m.generations ELSE coalesce(m.generation, 0) END + 1
SET m.staging = m.generations
RETURN coalesce(m.version, 0) AS version, coalesce(m.generation, 0) AS generation, m.staging AS staging
