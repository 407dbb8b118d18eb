// Write the current form of changed nodes of one kind (__LABEL__, instantiated per label when the
// statements are read): properties replaced whole (the latest record's scalars, json, timeline and a
// metric's observations).
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n = row.props, n:__LABEL__
