// One batch of the upgrade of a database written before generations: its nodes and events join the
// current generation.
MATCH (m:ZhengaiMeta {key: 'graph'})
MATCH (n)
WHERE (n:Node OR n:Event) AND n.generation IS NULL
WITH m, n LIMIT $batch
SET n.generation = coalesce(m.generation, 0)
RETURN count(*) AS stamped
