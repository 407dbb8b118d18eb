// One batch of a --replace: detach-delete up to $batch nodes of the 诊改 graph and its events (8字螺旋
// stages, 填报 submissions, 推送 claims, 佐证材料 …, which belong to the graph being replaced; the 审计日志
// stays).
MATCH (n)
WHERE n:Node OR n:Event
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
