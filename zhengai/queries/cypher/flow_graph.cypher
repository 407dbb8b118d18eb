// Every goal and metric with its outgoing flow edges (a full evaluation's input).
MATCH (n:Node)
WHERE n:Goal OR n:Metric
RETURN n.id AS id, n.kind AS kind, n.json AS json,
       [(n)-[r:SUPPORTS]->(p:Goal) | [p.id, r.weight]] AS supports,
       [(g:Goal)-[r:MEASURED_BY]->(n) | [g.id, r.weight]] AS measures
