// Append one 8字螺旋 event of a subject; seq orders a subject's events.
OPTIONAL MATCH (last:SpiralEvent {subject: $subject})
WITH coalesce(max(last.seq), 0) + 1 AS seq
CREATE (:SpiralEvent {subject: $subject, seq: seq, json: $json, recordedAt: datetime()})
