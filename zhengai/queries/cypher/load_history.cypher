// One batch of a dataset's 8字螺旋 history: events of seq 0, so they come before every event written since.
UNWIND $rows AS row
CREATE (:Event {stream: row.stream, key: row.key, seq: 0, pos: row.pos, json: row.json,
                recordedAt: datetime(), generation: $generation})
