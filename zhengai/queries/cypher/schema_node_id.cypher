// Every node of the 诊改 graph carries the label :Node, the generation it belongs to and an id unique
// within its generation: a load writes a new generation beside the current one (Community edition has
// no node keys; a composite property uniqueness constraint is available in every edition).
CREATE CONSTRAINT zhengai_node_generation_id IF NOT EXISTS
FOR (n:Node) REQUIRE (n.id, n.generation) IS UNIQUE
