// Relationships of one type into a new generation that holds none yet (a --replace load; the rows are
// distinct): CREATE, no lookup of existing ones; __TYPE__ as in merge_relationships.
UNWIND $rows AS row
MATCH (a:Node {id: row.source, generation: $generation}), (b:Node {id: row.target, generation: $generation})
CREATE (a)-[:__TYPE__ {weight: row.weight}]->(b)
