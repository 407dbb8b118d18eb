CREATE INDEX zhengai_spiral_subject IF NOT EXISTS FOR (e:SpiralEvent) ON (e.subject)
