// A load without --replace: the current generation's events, but the 8字螺旋 history (events of seq 0)
// of the subjects the new dataset's history names, copied into the new generation (one page of $batch).
MATCH (e:Event)
WHERE e.generation = $from AND NOT (e.seq = 0 AND e.key IN $keys) AND elementId(e) > $after
WITH e ORDER BY elementId(e) LIMIT $batch
CREATE (c:Event)
SET c = e {.*, generation: $to}
RETURN count(*) AS copied, max(elementId(e)) AS last
