// Append one 审计日志 entry. Its seq comes from the single counter node, incremented in the same
// transaction: the write lock taken by SET serialises concurrent appends (and seq is unique).
MERGE (c:AuditCounter {key: 'audit'})
SET c.seq = coalesce(c.seq, 0) + 1
CREATE (e:AuditEntry {seq: c.seq, at: $at, actor: $actor, actorName: $actorName, roles: $roles,
                      operation: $operation, summary: $summary, before: $before, after: $after})
RETURN e.seq AS seq
