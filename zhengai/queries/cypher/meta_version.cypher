// The data version (the last accepted write's seq) and the generation (the one a load switched to last).
OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version, coalesce(m.generation, 0) AS generation, m.staging AS staging
