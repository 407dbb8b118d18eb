// Upsert nodes: :Node plus their kind label (Goal, Metric, Unit …); properties replaced whole.
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n = row.props, n:$(row.kind)
