// A load ends (one small transaction, after its 审计日志 entry was appended in it): the graph's current
// generation becomes the one it wrote, if no later load took over meanwhile (else nothing matches).
MATCH (m:ZhengaiMeta {key: 'graph'})
WHERE m.staging = $staging
SET m.generation = $staging, m.staging = null, m.version = $seq, m.updatedAt = datetime()
RETURN m.generation AS generation
