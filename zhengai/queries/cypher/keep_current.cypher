// The current attainment, status and coverage of goals and metrics, kept on the nodes so that
// dashboards and Cypher users read them without evaluating (derived: rewritten after each ingest).
UNWIND $rows AS row
MATCH (n:Node {id: row.id, generation: $generation})
SET n.attainment = row.attainment, n.status = row.status, n.coverage = row.coverage, n.currentAsOf = $asOf
