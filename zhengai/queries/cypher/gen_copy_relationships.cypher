// One page of a load without --replace: the outgoing relationships of the current generation's nodes
// with ids after $after (in id order), copied between their copies in the new generation.
MATCH (a:Node)
WHERE a.generation = $from AND a.id > $after
WITH a ORDER BY a.id LIMIT $batch
CALL {
  WITH a
  MATCH (a)-[r]->(b:Node)
  MATCH (a2:Node {id: a.id, generation: $to})
  MATCH (b2:Node {id: b.id, generation: $to})
  CREATE (a2)-[r2:$(type(r))]->(b2)
  SET r2 = properties(r)
  RETURN count(r2) AS links
}
RETURN count(a) AS copied, max(a.id) AS last, sum(links) AS links
