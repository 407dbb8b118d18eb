"""预警推送: the 预警简报 of each level's monitoring round sent to the responsible units (企业微信, 钉钉, JSON
webhooks, mail), acknowledged by link or mutation, escalated to the 分管领导 when a RED one is not."""
