// Row-by-row upsert of one node (the baseline of the load benchmark); __LABEL__ as in merge_nodes.
MERGE (n:Node {id: $id})
SET n = $props, n:__LABEL__
