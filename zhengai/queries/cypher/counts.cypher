// Sizes of the 诊改 graph: the current generation's nodes (:Node) and the relationships between them.
MATCH (m:ZhengaiMeta {key: 'graph'})
MATCH (n:Node {generation: m.generation})
WITH count(n) AS nodes, m
OPTIONAL MATCH (:Node {generation: m.generation})-[r]->(:Node)
RETURN nodes, count(r) AS relationships
