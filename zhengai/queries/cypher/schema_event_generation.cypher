// Events belong to the graph's generation like its nodes.
CREATE INDEX zhengai_event_generation IF NOT EXISTS FOR (e:Event) ON (e.generation)
