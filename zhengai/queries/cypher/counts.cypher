// Sizes of the 诊改 graph: the current generation's nodes (:Node) and the relationships between them.
OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'})
WITH coalesce(m.generation, 0) AS generation
OPTIONAL MATCH (n:Node {generation: generation})
WITH generation, count(n) AS nodes
OPTIONAL MATCH (:Node {generation: generation})-[r]->(:Node)
RETURN nodes, count(r) AS relationships
