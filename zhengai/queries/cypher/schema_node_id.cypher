// Every node of the 诊改 graph carries the label :Node and a dataset-wide unique id.
CREATE CONSTRAINT zhengai_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE
