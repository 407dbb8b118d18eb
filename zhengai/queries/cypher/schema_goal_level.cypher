CREATE INDEX zhengai_goal_level IF NOT EXISTS FOR (g:Goal) ON (g.level)
