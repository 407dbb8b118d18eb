// 审计日志 entries, newest first: seq below $before (paging), of $operation and $actor when given.
MATCH (e:AuditEntry)
WHERE ($before IS NULL OR e.seq < $before)
  AND ($operation IS NULL OR e.operation = $operation)
  AND ($actor IS NULL OR e.actor = $actor)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.actorName AS actorName, e.roles AS roles,
       e.operation AS operation, e.summary AS summary, e.before AS before, e.after AS after
ORDER BY e.seq DESC
LIMIT $first
