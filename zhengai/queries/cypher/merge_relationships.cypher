// Upsert relationships of one type between existing nodes of generation $generation, with their weight.
// __TYPE__ is one of the fixed relationship types, instantiated per type when the statements are read
// (a dynamic type, $(row.kind), makes MERGE hundreds of times slower on Neo4j 5.26).
UNWIND $rows AS row
MATCH (a:Node {id: row.source, generation: $generation}), (b:Node {id: row.target, generation: $generation})
MERGE (a)-[r:__TYPE__]->(b)
SET r.weight = row.weight
