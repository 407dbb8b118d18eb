// Upsert relationships of any type between existing nodes, with their weight.
UNWIND $rows AS row
MATCH (a:Node {id: row.source}), (b:Node {id: row.target})
MERGE (a)-[r:$(row.kind)]->(b)
SET r.weight = row.weight
