// The data version: bumped by every write, the cache key of computed attainments.
OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version
