// Append one 审计日志 entry; its seq is the change set's (unique: the writers' lock orders them).
CREATE (e:AuditEntry {seq: $seq, at: $at, actor: $actor, actorName: $actorName, roles: $roles,
                      operation: $operation, summary: $summary, before: $before, after: $after})
