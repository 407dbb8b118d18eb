// One page of a load without --replace: the current generation's nodes copied into the new one (with
// their labels and every property), ids after $after in id order; the dataset is then upserted onto them.
MATCH (o:Node)
WHERE o.generation = $from AND o.id > $after
WITH o ORDER BY o.id LIMIT $batch
CREATE (c:Node)
SET c = o {.*, generation: $to}, c:$(labels(o))
RETURN count(*) AS copied, max(o.id) AS last
