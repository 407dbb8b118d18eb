// Create relationships of one type (__TYPE__) between existing nodes with their weight and the
// dates they are in force (validFrom inclusive, validTo exclusive; null: unbounded).
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:__TYPE__ {weight: row.weight, validFrom: row.start, validTo: row.end}]->(b)
