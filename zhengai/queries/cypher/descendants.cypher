// The start nodes and every goal and metric feeding them, transitively, each with its outgoing
// flow edges; the caller keeps the edges inside the set.
UNWIND $ids AS id
MATCH (s:Node {id: id})
CALL (s) {
  RETURN s AS n
  UNION
  MATCH (s)<-[:SUPPORTS*1..]-(d:Goal) RETURN d AS n
  UNION
  MATCH (s)-[:MEASURED_BY]->(m:Metric) RETURN m AS n
  UNION
  MATCH (s)<-[:SUPPORTS*1..]-(:Goal)-[:MEASURED_BY]->(m:Metric) RETURN m AS n
}
WITH DISTINCT n
RETURN n.id AS id, n.kind AS kind, n.json AS json,
       [(n)-[r:SUPPORTS]->(p:Goal) | [p.id, r.weight]] AS supports,
       [(g:Goal)-[r:MEASURED_BY]->(n) | [g.id, r.weight]] AS measures
