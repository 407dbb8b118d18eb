// Row-by-row upsert of one node (the baseline of the load benchmark); __LABEL__ as in merge_nodes.
MERGE (n:Node {id: $id, generation: $generation})
SET n = $props, n.generation = $generation, n:__LABEL__
