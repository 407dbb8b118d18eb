// The 8字螺旋 events of a subject (stage changes, improvement measures), oldest first. They are
// kept apart from the 诊改 graph's :Node nodes (a --replace load leaves them).
MATCH (e:SpiralEvent {subject: $subject})
RETURN e.json AS json
ORDER BY e.seq
