// Every 审计日志 entry, oldest first.
MATCH (e:AuditEntry)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.actorName AS actorName, e.roles AS roles,
       e.operation AS operation, e.summary AS summary, e.before AS before, e.after AS after
ORDER BY e.seq
