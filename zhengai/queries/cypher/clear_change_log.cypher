// After a load's switch: the change sets written before it are done (every replica reloads the new
// generation whole); one batch.
MATCH (c:ChangeLog)
WHERE c.seq <= $seq
WITH c LIMIT $batch
DELETE c
RETURN count(*) AS deleted
