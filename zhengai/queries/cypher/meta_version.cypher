// The data version (bumped by every write) and the structure version (bumped when nodes or
// relationships change): the keys of the engine's caches.
OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version, coalesce(m.structureVersion, 0) AS structureVersion
