// What keep_current wrote: each goal's and metric's kept attainment, status and coverage.
MATCH (m:ZhengaiMeta {key: 'graph'})
MATCH (n:Node {generation: m.generation})
WHERE (n:Goal OR n:Metric) AND n.currentAsOf IS NOT NULL
RETURN n.id AS id, n.attainment AS attainment, n.status AS status, n.coverage AS coverage,
       n.currentAsOf AS asOf
