// Record that the change set $seq is written (inside its transaction); $load starts a new generation.
MATCH (m:ZhengaiMeta {key: 'graph'})
SET m.version = $seq, m.updatedAt = datetime(),
    m.generation = coalesce(m.generation, 0) + CASE WHEN $load THEN 1 ELSE 0 END
