// Row-by-row upsert of one relationship (the baseline of the load benchmark); __TYPE__ as in
// merge_relationships.
MATCH (a:Node {id: $source, generation: $generation}), (b:Node {id: $target, generation: $generation})
MERGE (a)-[r:__TYPE__]->(b)
SET r.weight = $weight
