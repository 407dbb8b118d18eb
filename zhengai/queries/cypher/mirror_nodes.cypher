// Every node of generation $generation of the 诊改 graph with its versions (json: the latest record;
// timeline: every version, when it has more than one) and a metric's observations: what a server holds
// in memory.
MATCH (n:Node {generation: $generation})
RETURN n.id AS id, n.kind AS kind, n.json AS json, n.timeline AS timeline, n.obsAt AS obsAt, n.obsValue AS obsValue
