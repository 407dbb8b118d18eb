// The 审计日志: one (:AuditEntry) per mutation, ingest or load, numbered by a unique seq. It is kept
// apart from the 诊改 graph's :Node nodes (a --replace load leaves it, no graph read sees it).
CREATE CONSTRAINT zhengai_audit_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE
