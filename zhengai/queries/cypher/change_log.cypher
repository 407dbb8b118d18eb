// The change sets written after $since, oldest first: how replicas follow each other's writes.
MATCH (c:ChangeLog)
WHERE c.seq > $since
RETURN c.seq AS seq, c.json AS json
ORDER BY c.seq
