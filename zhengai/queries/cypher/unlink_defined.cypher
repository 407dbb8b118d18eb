// Remove the relationships that changed nodes define: their outgoing ones (but MEASURED_BY, which a
// metric defines) and the MEASURED_BY ones entering a metric; they are written again from its versions.
UNWIND $ids AS id
MATCH (n:Node {id: id})
CALL (n) {
  MATCH (n)-[r]->() WHERE type(r) <> 'MEASURED_BY' DELETE r
}
CALL (n) {
  MATCH ()-[r:MEASURED_BY]->(n) WHERE n:Metric DELETE r
}
