"""Which role may run which root operation — checked once per request, before execution.

ADMIN runs everything; LEADER reads everything but the audit log; DATA_SERVICE only records
observations, and is answered with ids, types, severities and counts only (no names, leaders or
messages: a DATA_SERVICE-only caller selecting them is refused before anything runs). UNIT_HEAD, TEACHER
and STUDENT read through their scope (zhengai.security.scope) and run the 8字螺旋 of their own subjects
(advanceStage, recordImprovement; the scope checks the subject). Several roles: the operations any of them
may run, each read through the narrowest scope held — so a token holding a scoped role never reads the
audit log (it names people), even with ADMIN. audit log (it names people), even with ADMIN. They also
edit their own part of the graph (applyChanges; zhengai.engine.permissions checks every change).
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from zhengai.security.scope import SCOPED_ROLES
from zhengai.security.tokens import Principal, Role

INTROSPECTION = frozenset({"__schema", "__type", "__typename"})
DATA_SERVICE_FIELDS = frozenset({"recordObservations"})
ADMIN_ONLY_FIELDS = frozenset({"auditLog"})
SCOPED_MUTATIONS = frozenset({"advanceStage", "recordImprovement", "applyChanges", "submitValues",
                              "reviewValues",
                              # 诊改报告 (zhengai.engine.reports.workflow checks writer and reviewer)
                              "saveReport", "submitReport", "reviewReport",
                              # 预警推送 (zhengai.notify.service.may_acknowledge checks the unit)
                              "acknowledgeWarnings",
                              # 佐证材料 (zhengai.engine.attachments checks the parent's writers)
                              "removeAttachment"})
#: What a school leader (LEADER, reads everything) may write: acknowledging escalated warnings.
LEADER_MUTATIONS = frozenset({"acknowledgeWarnings"})
#: A 数据填报员 (DATA_ENTRY) submits its unit's values and does nothing else.
DATA_ENTRY_MUTATIONS = frozenset({"submitValues"})
#: Every field a DATA_SERVICE-only caller may select: what recordObservations did and the warnings it
#: raised as ids, types, severities and counts — never a name, a leader or a message (personal data).
DATA_SERVICE_SELECTION = frozenset({"recordObservations", "received", "changed", "unchanged",
                                    "warningsRaised", "id", "type", "severity", "nodeId", "kind", "level",
                                    "unitId", "__typename"})


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


def field_names(document: DocumentNode) -> set[str]:
    """The name of every field selected anywhere in ``document`` (fragments included)."""
    names: set[str] = set()
    stack: list[SelectionSetNode] = [d.selection_set for d in document.definitions
                                     if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)]
    while stack:
        for node in stack.pop().selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            if getattr(node, "selection_set", None) is not None:
                stack.append(node.selection_set)  # type: ignore[union-attr]
    return names


def data_service_only(principal: Principal) -> bool:
    """A caller that only records observations (it reads no personal data)."""
    return principal.roles == {Role.DATA_SERVICE}


def refusal(principal: Principal, operation: str, fields: set[str]) -> str | None:
    """Why ``principal`` may not run these root fields (None: allowed)."""
    wanted = fields - INTROSPECTION
    scoped = principal.roles & SCOPED_ROLES
    if not wanted or (Role.ADMIN in principal.roles and not (scoped and wanted & ADMIN_ONLY_FIELDS)):
        return None
    reads = operation in ("query", "subscription") and not wanted & ADMIN_ONLY_FIELDS
    if reads and principal.roles & ({Role.LEADER} | SCOPED_ROLES):
        return None
    if Role.DATA_SERVICE in principal.roles and operation == "mutation" and wanted <= DATA_SERVICE_FIELDS:
        return None
    if operation == "mutation" and Role.LEADER in principal.roles and wanted <= LEADER_MUTATIONS:
        return None
    if operation == "mutation" and scoped:
        allowed = DATA_ENTRY_MUTATIONS if scoped == {Role.DATA_ENTRY} else SCOPED_MUTATIONS
        if wanted <= allowed:
            return None
    if wanted & ADMIN_ONLY_FIELDS:
        held = f" (this token also holds {', '.join(sorted(scoped))}: it reads through that scope)" if (
            scoped and Role.ADMIN in principal.roles) else ""
        return (f"not allowed: {', '.join(sorted(wanted & ADMIN_ONLY_FIELDS))} is for the 质管办 (ADMIN) "
                f"only{held}")
    roles = ", ".join(sorted(principal.roles)) or "none"
    return f"not allowed: {operation} {', '.join(sorted(wanted))} for roles {roles}"


class Authorize(SchemaExtension):
    """Refuses an operation the caller's roles do not allow, before anything is resolved."""

    def on_execute(self):  # type: ignore[no-untyped-def]
        ec = self.execution_context
        principal = ec.context["zhengai"].principal if isinstance(ec.context, dict) else None
        if principal is not None and principal.expired():  # a websocket session past its token's exp
            ec.result = ExecutionResult(data=None, errors=[GraphQLError(
                "token expired: reconnect with a new token", extensions={"code": "UNAUTHENTICATED"})])
        elif principal is not None and ec.graphql_document is not None:
            operation, fields = root_fields(ec.graphql_document, ec.operation_name)
            reason = refusal(principal, operation, fields)
            if reason is None and data_service_only(principal):
                extra = field_names(ec.graphql_document) - DATA_SERVICE_SELECTION
                if extra:
                    reason = (f"not allowed: DATA_SERVICE is answered with ids, types, severities and counts "
                              f"only; remove {', '.join(sorted(extra))} (nothing was recorded)")
            if reason:
                ec.result = ExecutionResult(data=None, errors=[
                    GraphQLError(reason, extensions={"code": "FORBIDDEN", "reason": "ROLE", "params": {}})])
        yield
