// Every 一页纸 task.
MATCH (n:Task)
RETURN n.id AS id, n.kind AS kind, n.json AS json
