// Take the graph's write lock (every writer and every full read of the graph sets the meta node
// first, so they serialise) and read the data version and generation.
MERGE (m:ZhengaiMeta {key: 'graph'})
SET m.lock = coalesce(m.lock, 0) + 1
RETURN coalesce(m.version, 0) AS version, coalesce(m.generation, 0) AS generation
