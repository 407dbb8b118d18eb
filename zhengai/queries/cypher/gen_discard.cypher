// One batch of a cleanup: detach-delete up to $batch nodes and events whose generation is in
// [$lo, $hi) and is not $keep — the previous graph after a switch, a failed load's partial graph, or
// what a killed or superseded load left.
CALL {
  MATCH (n:Node)
  WHERE n.generation >= $lo AND n.generation < $hi AND n.generation <> $keep
  RETURN n LIMIT $batch
  UNION
  MATCH (n:Event)
  WHERE n.generation >= $lo AND n.generation < $hi AND n.generation <> $keep
  RETURN n LIMIT $batch
}
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
