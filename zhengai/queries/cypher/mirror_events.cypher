// Every event of generation $generation (8字螺旋 stage changes and improvements …) in the order they
// were written.
MATCH (e:Event {generation: $generation})
RETURN e.stream AS stream, e.key AS key, e.json AS json
ORDER BY e.seq, e.pos
