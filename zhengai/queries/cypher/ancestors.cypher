// The start nodes and every goal they feed, transitively (distinct nodes: pruned expansion, no path
// enumeration), each with its outgoing flow edges; the caller keeps the edges inside the set.
UNWIND $ids AS id
MATCH (s:Node {id: id})
CALL (s) {
  RETURN s AS n
  UNION
  MATCH (s)-[:SUPPORTS*1..]->(a:Goal) RETURN a AS n
  UNION
  MATCH (s)<-[:MEASURED_BY]-(g:Goal) RETURN g AS n
  UNION
  MATCH (s)<-[:MEASURED_BY]-(:Goal)-[:SUPPORTS*1..]->(a:Goal) RETURN a AS n
}
WITH DISTINCT n
RETURN n.id AS id, n.kind AS kind, n.json AS json,
       [(n)-[r:SUPPORTS]->(p:Goal) | [p.id, r.weight]] AS supports,
       [(g:Goal)-[r:MEASURED_BY]->(n) | [g.id, r.weight]] AS measures
