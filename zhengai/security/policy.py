"""Which role may run which root operation — checked once per request, before execution.

ADMIN runs everything; LEADER reads everything but the audit log; DATA_SERVICE only records
observations. UNIT_HEAD, TEACHER and STUDENT read through their scope (zhengai.security.scope), run
the 8字螺旋 of their own subjects (advanceStage, recordImprovement; the scope checks the subject) and
edit their own part of the graph (applyChanges; zhengai.engine.permissions checks every change).
"""

from __future__ import annotations

from graphql import DocumentNode, FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from zhengai.security.tokens import Principal, Role

INTROSPECTION = frozenset({"__schema", "__type", "__typename"})
DATA_SERVICE_FIELDS = frozenset({"recordObservations"})
ADMIN_ONLY_FIELDS = frozenset({"auditLog"})
SCOPED_MUTATIONS = frozenset({"advanceStage", "recordImprovement", "applyChanges"})
SCOPED_ROLES = frozenset({Role.UNIT_HEAD, Role.TEACHER, Role.STUDENT})


def root_fields(document: DocumentNode, operation_name: str | None) -> tuple[str, set[str]]:
    """(operation type, names of its root fields), fragments at the root expanded."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((o for o in operations
                   if operation_name is None or (o.name and o.name.value == operation_name)), None)
    if chosen is None:
        return "query", set()
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    names: set[str] = set()
    stack = list(chosen.selection_set.selections)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            names.add(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            stack += node.selection_set.selections
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            stack += fragments[node.name.value].selection_set.selections
    return chosen.operation.value, names


def refusal(principal: Principal, operation: str, fields: set[str]) -> str | None:
    """Why ``principal`` may not run these root fields (None: allowed)."""
    wanted = fields - INTROSPECTION
    if Role.ADMIN in principal.roles or not wanted:
        return None
    reads = operation in ("query", "subscription") and not wanted & ADMIN_ONLY_FIELDS
    if reads and principal.roles & ({Role.LEADER} | SCOPED_ROLES):
        return None
    if Role.DATA_SERVICE in principal.roles and operation == "mutation" and wanted <= DATA_SERVICE_FIELDS:
        return None
    if principal.roles & SCOPED_ROLES and operation == "mutation" and wanted <= SCOPED_MUTATIONS:
        return None
    if wanted & ADMIN_ONLY_FIELDS:
        return f"not allowed: {', '.join(sorted(wanted & ADMIN_ONLY_FIELDS))} is for the 质管办 (ADMIN) only"
    roles = ", ".join(sorted(principal.roles)) or "none"
    return f"not allowed: {operation} {', '.join(sorted(wanted))} for roles {roles}"


class Authorize(SchemaExtension):
    """Refuses an operation the caller's roles do not allow, before anything is resolved."""

    def on_execute(self):  # type: ignore[no-untyped-def]
        ec = self.execution_context
        principal = ec.context["zhengai"].principal if isinstance(ec.context, dict) else None
        if principal is not None and ec.graphql_document is not None:
            operation, fields = root_fields(ec.graphql_document, ec.operation_name)
            reason = refusal(principal, operation, fields)
            if reason:
                ec.result = ExecutionResult(data=None, errors=[
                    GraphQLError(reason, extensions={"code": "FORBIDDEN"})])
        yield
