// Flow edges leaving each goal or metric: the goals it SUPPORTS or that are MEASURED_BY it.
UNWIND $ids AS id
MATCH (n:Node {id: id})
CALL (n) {
  MATCH (n)-[r:SUPPORTS]->(p:Goal) RETURN p.id AS other, r.weight AS weight, 'SUPPORTS' AS kind
  UNION ALL
  MATCH (p:Goal)-[r:MEASURED_BY]->(n) RETURN p.id AS other, r.weight AS weight, 'MEASURED_BY' AS kind
}
RETURN id, other, weight, kind
