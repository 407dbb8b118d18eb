UNWIND $ids AS id
MATCH (m:Node {id: id}) WHERE m:Metric
RETURN m.id AS id, coalesce(m.obsAt, []) AS at, coalesce(m.obsValue, []) AS value
