// One accepted change set, written in ONE statement inside its transaction (after the graph's lock
// was taken and the plan validated): the changed nodes (properties replaced whole; labels and
// relationship types are fixed, chosen per row), the relationships they define written again from
// their versions with the dates they are in force, observations, events, the 审计日志 entry, the
// change-log entry replicas follow, and the data version; all in the current generation, $generation.
CALL {
  UNWIND $nodes AS row
  MERGE (n:Node {id: row.id, generation: $generation})
  SET n = row.props, n.generation = $generation
  FOREACH (_ IN CASE WHEN row.label = 'Goal' THEN [1] ELSE [] END | SET n:Goal)
  FOREACH (_ IN CASE WHEN row.label = 'Metric' THEN [1] ELSE [] END | SET n:Metric)
  FOREACH (_ IN CASE WHEN row.label = 'Plan' THEN [1] ELSE [] END | SET n:Plan)
  FOREACH (_ IN CASE WHEN row.label = 'Scheme' THEN [1] ELSE [] END | SET n:Scheme)
  FOREACH (_ IN CASE WHEN row.label = 'Standard' THEN [1] ELSE [] END | SET n:Standard)
  FOREACH (_ IN CASE WHEN row.label = 'Subject' THEN [1] ELSE [] END | SET n:Subject)
  FOREACH (_ IN CASE WHEN row.label = 'Task' THEN [1] ELSE [] END | SET n:Task)
  FOREACH (_ IN CASE WHEN row.label = 'Unit' THEN [1] ELSE [] END | SET n:Unit)
}
CALL {
  UNWIND $ids AS id
  MATCH (:Node {id: id, generation: $generation})-[r]->()
  WHERE type(r) <> 'MEASURED_BY'
  DELETE r
}
CALL {
  UNWIND $ids AS id
  MATCH (:Node)-[r:MEASURED_BY]->(m:Node {id: id, generation: $generation})
  WHERE m:Metric
  DELETE r
}
CALL {
  UNWIND $relationships AS row
  MATCH (a:Node {id: row.source, generation: $generation})
  MATCH (b:Node {id: row.target, generation: $generation})
  FOREACH (_ IN CASE WHEN row.kind = 'ADVANCES' THEN [1] ELSE [] END |
    CREATE (a)-[:ADVANCES {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'ASSESSES' THEN [1] ELSE [] END |
    CREATE (a)-[:ASSESSES {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'BELONGS_TO' THEN [1] ELSE [] END |
    CREATE (a)-[:BELONGS_TO {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'DERIVED_FROM' THEN [1] ELSE [] END |
    CREATE (a)-[:DERIVED_FROM {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'FOR_SUBJECT' THEN [1] ELSE [] END |
    CREATE (a)-[:FOR_SUBJECT {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'HELD_TO' THEN [1] ELSE [] END |
    CREATE (a)-[:HELD_TO {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'IN_MAJOR' THEN [1] ELSE [] END |
    CREATE (a)-[:IN_MAJOR {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'LED_BY' THEN [1] ELSE [] END |
    CREATE (a)-[:LED_BY {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'MEASURED_BY' THEN [1] ELSE [] END |
    CREATE (a)-[:MEASURED_BY {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'MEMBER_OF' THEN [1] ELSE [] END |
    CREATE (a)-[:MEMBER_OF {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'OWNED_BY' THEN [1] ELSE [] END |
    CREATE (a)-[:OWNED_BY {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'PART_OF' THEN [1] ELSE [] END |
    CREATE (a)-[:PART_OF {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'SPECIFIES' THEN [1] ELSE [] END |
    CREATE (a)-[:SPECIFIES {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'SUPPORTS' THEN [1] ELSE [] END |
    CREATE (a)-[:SUPPORTS {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
  FOREACH (_ IN CASE WHEN row.kind = 'UNDERTAKEN_BY' THEN [1] ELSE [] END |
    CREATE (a)-[:UNDERTAKEN_BY {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b))
}
CALL {
  UNWIND $observations AS row
  MATCH (m:Node {id: row.metric, generation: $generation})
  WHERE m:Metric
  SET m.obsAt = row.at, m.obsValue = row.value,
      m.obsReplaced = coalesce(m.obsReplaced, []) + coalesce(row.replaced, [])
}
CALL {
  UNWIND $events AS row
  CREATE (:Event {stream: row.stream, key: row.key, seq: $seq, pos: row.pos, json: row.json,
                  recordedAt: datetime(), generation: $generation})
}
CREATE (:AuditEntry {seq: $seq, at: $at, actor: $actor, actorName: $actorName, roles: $roles,
                     operation: $operation, summary: $summary, before: $before, after: $after})
CREATE (:ChangeLog {seq: $seq, json: $json, at: datetime()})
WITH 1 AS written
MATCH (m:ZhengaiMeta {key: 'graph'})
SET m.version = $seq, m.updatedAt = datetime()
