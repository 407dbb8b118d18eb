// The data version (the last accepted write's seq) and the generation (bumped by every load).
OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version, coalesce(m.generation, 0) AS generation
