// Upsert nodes of one kind into generation $generation: :Node plus the kind's label (__LABEL__: Goal,
// Metric, Unit …, fixed values instantiated when the statements are read); properties are replaced whole.
UNWIND $rows AS row
MERGE (n:Node {id: row.id, generation: $generation})
SET n = row.props, n.generation = $generation, n:__LABEL__
