// Before a load: the 8字螺旋 history of the dataset loaded before (events of seq 0), all of it on a
// --replace, else that of the subjects the new dataset's history names (events written since stay).
MATCH (e:Event)
WHERE e.seq = 0 AND ($all OR e.key IN $keys)
DELETE e
