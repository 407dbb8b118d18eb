CREATE INDEX zhengai_event_seq IF NOT EXISTS FOR (e:Event) ON (e.seq)
