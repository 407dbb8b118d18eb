// Finds a generation's nodes (the cleanup of an old or abandoned one, counts, the mirror's read).
CREATE INDEX zhengai_node_generation IF NOT EXISTS FOR (n:Node) ON (n.generation)
