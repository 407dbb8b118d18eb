// Nodes of one kind into a new generation that holds none of them yet (a --replace load): CREATE, no
// lookup first (ids are unique in a validated dataset; the constraint still checks); __LABEL__ as in
// merge_nodes.
UNWIND $rows AS row
CREATE (n:Node:__LABEL__)
SET n = row.props, n.generation = $generation
