// Bump the data version (every write) and, when $structure, the structure version (nodes or
// relationships changed; new observations leave it). They key the engine's caches.
MERGE (m:ZhengaiMeta {key: 'graph'})
SET m.version = coalesce(m.version, 0) + 1,
    m.structureVersion = coalesce(m.structureVersion, 0) + CASE WHEN $structure THEN 1 ELSE 0 END,
    m.updatedAt = datetime()
RETURN m.version AS version
