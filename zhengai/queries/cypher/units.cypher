MATCH (n:Unit)
RETURN n.id AS id, n.kind AS kind, n.json AS json
