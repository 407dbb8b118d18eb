// A load starts a new generation: replicas reload the whole graph, the old change log is done.
MATCH (c:ChangeLog)
WITH c LIMIT $batch
DELETE c
RETURN count(*) AS deleted
