// One batch of a --replace: detach-delete up to $batch nodes of the 诊改 graph.
MATCH (n:Node)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
