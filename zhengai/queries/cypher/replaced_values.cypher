// The values of a metric that later observations for the same date replaced.
MATCH (m:Node {id: $id}) WHERE m:Metric
RETURN coalesce(m.obsReplaced, []) AS replaced
