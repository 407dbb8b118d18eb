// The values that later observations for the same date replaced, of one metric of the current generation.
MATCH (g:ZhengaiMeta {key: 'graph'})
MATCH (m:Node {id: $id, generation: g.generation})
RETURN coalesce(m.obsReplaced, []) AS replaced
