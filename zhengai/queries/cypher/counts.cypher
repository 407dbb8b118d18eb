// Sizes of the 诊改 graph (nodes with :Node and the relationships between them).
MATCH (n:Node)
WITH count(n) AS nodes
OPTIONAL MATCH (:Node)-[r]->(:Node)
RETURN nodes, count(r) AS relationships
