// The single (:AuditCounter {key: 'audit'}) that allocates the 审计日志's seq numbers.
CREATE CONSTRAINT zhengai_audit_counter_key IF NOT EXISTS FOR (c:AuditCounter) REQUIRE c.key IS UNIQUE
