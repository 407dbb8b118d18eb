// Flow edges entering each goal: the goals that SUPPORT it and the metrics it is MEASURED_BY.
UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE n:Goal
CALL (n) {
  MATCH (c:Goal)-[r:SUPPORTS]->(n) RETURN c.id AS other, r.weight AS weight, 'SUPPORTS' AS kind
  UNION ALL
  MATCH (n)-[r:MEASURED_BY]->(c:Metric) RETURN c.id AS other, r.weight AS weight, 'MEASURED_BY' AS kind
}
RETURN id, other, weight, kind
