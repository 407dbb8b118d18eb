// Row-by-row upsert of one node (the baseline of the load benchmark).
MERGE (n:Node {id: $id})
SET n = $props, n:$($kind)
