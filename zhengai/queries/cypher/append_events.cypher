// Append events (8字螺旋 …) of one change set: seq is the change set's, pos the order inside it.
UNWIND $rows AS row
CREATE (:Event {stream: row.stream, key: row.key, seq: $seq, pos: row.pos, json: row.json,
                recordedAt: datetime()})
