"""The cost of a GraphQL request (ZHENGAI_MAX_COST), estimated before anything runs.

Every field resolved costs 1 for each time it may be resolved: a list multiplies what it selects by its
size — its ``first``/``limit``/``top``/``maxPaths`` argument (given, or its default up to
:data:`ASSUMED_LIST`), else :data:`ASSUMED_LIST` — so nesting lists grows the cost as their product.
What is really expensive is a date: each distinct date the request evaluates the whole graph at (every
``asOf``, each month end of a ``trend`` or a 诊改报告's period, a ``simulate``) costs :data:`DATE_COST`,
and each ``trend`` point and ``history`` row counts as a field. Variables are read, so a cost is exact
for the request as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.pyutils import Undefined
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

from zhengai.domain.errors import InvalidArgumentError
from zhengai.engine.trends import default_range, month_ends

#: What one distinct evaluation date costs (a full evaluation of the graph at that date).
DATE_COST = 500
#: The size assumed for a list without a size argument, and the most a size argument's default counts.
ASSUMED_LIST = 10
#: Rows assumed for a metric's ``history`` (it returns at most 500).
HISTORY_ROWS = 50
#: The largest size argument counted (the resolvers refuse larger ones anyway).
MAX_COUNTED_SIZE = 1000
SIZE_ARGS = ("first", "limit", "top", "maxPaths")


@dataclass
class Cost:
    """A request's estimated cost: fields resolved (weighted) and distinct evaluation dates."""

    fields: int = 0
    dates: set[date] = field(default_factory=set)
    simulations: int = 0

    @property
    def total(self) -> int:
        return self.fields + DATE_COST * (len(self.dates) + self.simulations)


def request_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                 variables: Mapping[str, Any] | None, today: date | None = None) -> Cost:
    """The cost of running ``operation_name`` of ``document`` with ``variables`` (a valid document)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((o for o in operations
                   if operation_name is None or (o.name and o.name.value == operation_name)), None)
    cost = Cost()
    if chosen is None:
        return cost
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[chosen.operation.value]
    if root is None:
        return cost
    walker = _Walker(schema, {d.name.value: d for d in document.definitions
                              if isinstance(d, FragmentDefinitionNode)}, dict(variables or {}),
                     today or date.today(), cost)
    walker.walk(chosen.selection_set, root, 1, None)
    return cost


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], today: date, cost: Cost):
        self.schema, self.fragments, self.variables, self.today, self.cost = (schema, fragments, variables,
                                                                              today, cost)
        self.active: set[str] = set()

    def _field(self, parent: GraphQLObjectType, name: str) -> GraphQLField | None:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self.schema.query_type and name in ("__schema", "__type"):
            return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        fields = getattr(parent, "fields", None) or {}
        return fields.get(name)

    def _args(self, node: FieldNode, definition: GraphQLField) -> dict[str, Any]:
        args = {name: None if arg.default_value is Undefined else arg.default_value
                for name, arg in definition.args.items()}
        given = set()
        for arg in node.arguments or ():
            try:
                args[arg.name.value] = value_from_ast_untyped(arg.value, self.variables)
            except (TypeError, ValueError, KeyError):
                args[arg.name.value] = None
            given.add(arg.name.value)
        args["__given__"] = given
        return args

    def _date(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        return None

    def _months(self, start: Any, end: Any) -> list[date]:
        try:
            first, last = default_range(self._date(start), self._date(end) or self.today)
            return month_ends(first, last)
        except InvalidArgumentError:  # the resolver refuses it before evaluating anything
            return []

    def walk(self, selections: SelectionSetNode, parent: Any, mult: int, hint: int | None) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                self._visit(node, parent, mult, hint)
            elif isinstance(node, InlineFragmentNode):
                kind = self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                self.walk(node.selection_set, kind or parent, mult, hint)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.active:
                    continue
                self.active.add(name)
                kind = self.schema.get_type(fragment.type_condition.name.value)
                self.walk(fragment.selection_set, kind or parent, mult, hint)
                self.active.discard(name)

    def _visit(self, node: FieldNode, parent: Any, mult: int, hint: int | None) -> None:
        name = node.name.value
        definition = self._field(parent, name)
        if definition is None:
            self.cost.fields += mult
            return
        args = self._args(node, definition)
        size = self._size(args)
        if "asOf" in args:
            self.cost.dates.add(self._date(args["asOf"]) or self.today)
        if name == "trend":  # a full evaluation at each month end; a point each
            months = self._months(args.get("from"), args.get("to"))
            self.cost.dates.update(months)
            size = len(months)
        elif name == "diagnosisReport":  # its goals' trends over the report's period
            end = self._date(args.get("asOf")) or self.today
            self.cost.dates.update(self._months(args.get("from") or date(end.year, 1, 1), end))
        elif name == "simulate":
            self.cost.simulations += mult
        elif name == "history":
            size = HISTORY_ROWS
        self.cost.fields += mult
        returns = get_nullable_type(definition.type)
        if is_list_type(returns):
            count = size if size is not None else hint if hint is not None else ASSUMED_LIST
            child_mult, child_hint = mult * count, None
        else:
            child_mult, child_hint = mult, size  # a connection: its lists have the size of its argument
        if node.selection_set is not None:
            self.walk(node.selection_set, get_named_type(definition.type), child_mult, child_hint)

    @staticmethod
    def _size(args: dict[str, Any]) -> int | None:
        for name in SIZE_ARGS:
            if name in args:
                value = args[name]
                if not isinstance(value, int) or isinstance(value, bool):
                    return ASSUMED_LIST
                value = max(0, min(value, MAX_COUNTED_SIZE))
                return value if name in args["__given__"] else min(value, ASSUMED_LIST)
        return None
