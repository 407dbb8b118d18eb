// Row-by-row upsert of one relationship (the baseline of the load benchmark).
MATCH (a:Node {id: $source}), (b:Node {id: $target})
MERGE (a)-[r:$($kind)]->(b)
SET r.weight = $weight
