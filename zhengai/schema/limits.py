"""GraphQL abuse limits and the request-body cap (the CORS allow-list: zhengai.web.cors).

Each limit comes from an environment variable so an installation can tune it:
ZHENGAI_MAX_DEPTH (default 12), ZHENGAI_MAX_ALIASES (50), ZHENGAI_MAX_TOKENS (5000),
ZHENGAI_MAX_COST (20000, see zhengai.schema.cost), ZHENGAI_MAX_BODY_BYTES (1 MB),
ZHENGAI_INTROSPECTION (1: allowed; 0 disables it, GraphiQL's schema help with it, and the "Did you
mean …" suggestions of errors), ZHENGAI_REQUEST_TIMEOUT (30 seconds per request, 0: none; past it,
every field still to resolve fails with the code TIMEOUT; one engine computation already running is not
interrupted, the other limits keep each one small; on Neo4j the limit is also the transaction timeout of
the statements run for requests, so the server stops one past it and its field fails with TIMEOUT).
Every refusal carries ``extensions.code``: TOO_MANY_TOKENS, GRAPHQL_PARSE_FAILED, QUERY_TOO_DEEP,
TOO_MANY_ALIASES, INTROSPECTION_DISABLED, QUERY_TOO_COSTLY, SUBSCRIPTION_NEEDS_WEBSOCKET,
PAYLOAD_TOO_LARGE (413), JSON_TOO_DEEP (400).

The limits are built once per schema: parsing and validation (with the limit rules) are cached by query
text, so a repeated document is neither parsed nor validated again.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.requests import Request
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from zhengai.schema.cost import DATE_COST, request_cost

#: Cached documents (parsed, with their validation errors) per schema.
CACHED_DOCUMENTS = 256
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")

#: The deepest nesting of arrays and objects accepted in a request's variables.
MAX_JSON_DEPTH = 64


def json_depth(value: object, stop: int) -> int:
    """How deeply ``value`` nests lists and dicts (a scalar: 0), counting no further than ``stop + 1``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > stop:
                return depth
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Limits:
    max_depth: int = field(default_factory=lambda: _int("ZHENGAI_MAX_DEPTH", 12))
    max_aliases: int = field(default_factory=lambda: _int("ZHENGAI_MAX_ALIASES", 50))
    max_tokens: int = field(default_factory=lambda: _int("ZHENGAI_MAX_TOKENS", 5000))
    max_cost: int = field(default_factory=lambda: _int("ZHENGAI_MAX_COST", 20000))
    max_body_bytes: int = field(default_factory=lambda: _int("ZHENGAI_MAX_BODY_BYTES", 1_000_000))
    introspection: bool = field(default_factory=lambda: os.environ.get("ZHENGAI_INTROSPECTION", "1") != "0")
    request_timeout: float = field(default_factory=lambda: float(os.environ.get("ZHENGAI_REQUEST_TIMEOUT")
                                                                 or 30))

    def extensions(self) -> list[Callable[[], SchemaExtension]]:
        """The limiting extension's factory; its rules and document cache are built here, once per schema
        (rule classes made per request would miss every validation cache)."""
        documents = DocumentCache(self)
        return [lambda: RequestLimits(self, documents)]


class _Tagged:
    """A validation context that adds ``code`` to the errors reported through it."""

    def __init__(self, context: Any, code: str):
        self._context, self._code = context, code

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": self._code}
        self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _coded(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule`` with ``code`` in the ``extensions`` of every error it reports."""
    class Coded(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context: Any):
            super().__init__(_Tagged(context, code))

    Coded.__name__ = f"{rule.__name__}Coded"
    return Coded


class DocumentCache:
    """Parsed documents and their validation errors by query text, for one schema (an LRU of
    CACHED_DOCUMENTS); the limits' rules are part of the validation."""

    def __init__(self, limits: Limits, maxsize: int = CACHED_DOCUMENTS):
        depth = QueryDepthLimiter(max_depth=limits.max_depth).validation_rules[0]
        aliases = MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules[0]
        rules: list[type[ASTValidationRule]] = [*specified_rules, MaybeNullValidationRule,
                                                OneOfInputValidationRule, _coded(depth, "QUERY_TOO_DEEP"),
                                                _coded(aliases, "TOO_MANY_ALIASES")]
        if not limits.introspection:
            rules.append(_coded(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"))
        self.rules, self.max_tokens, self.maxsize = tuple(rules), limits.max_tokens, maxsize
        self.hide_suggestions = not limits.introspection
        self._entries: OrderedDict[str, list] = OrderedDict()  # text → [document, errors or None]
        self._lock = threading.Lock()
        self.hits = self.misses = self.validations = 0

    def _entry(self, query: str) -> list | None:
        with self._lock:
            entry = self._entries.get(query)
            if entry is not None:
                self._entries.move_to_end(query)
                self.hits += 1
            return entry

    def document(self, query: str) -> DocumentNode | None:
        """The parsed document (None: it does not parse; strawberry parses it again to report why)."""
        entry = self._entry(query)
        if entry is not None:
            return entry[0]
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError:
            return None
        with self._lock:
            self.misses += 1
            self._entries[query] = [document, None]
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return document

    def errors(self, schema: GraphQLSchema, query: str, document: DocumentNode) -> list[GraphQLError]:
        """The validation errors of ``document`` (the parse of ``query``), computed once."""
        entry = self._entry(query)
        if entry is not None and entry[0] is document and entry[1] is not None:
            return entry[1]
        errors = validate(schema, document, self.rules, hide_suggestions=self.hide_suggestions)
        self.validations += 1
        if entry is not None and entry[0] is document:
            entry[1] = errors
        return errors


class RequestLimits(SchemaExtension):
    """Per request: the token limit and the cached parse and validation (DocumentCache); before execution,
    the cost limit and subscriptions over HTTP refused; with introspection off, no "Did you mean …"."""

    def __init__(self, limits: Limits, documents: DocumentCache):
        self.limits, self.documents = limits, documents

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield
        errors = getattr(self.execution_context.result, "errors", None)  # strawberry's or graphql-core's
        if not self.limits.introspection and errors:
            for error in errors:  # e.g. an enum value of a variable: no names revealed
                error.message = _SUGGESTION.sub("", error.message)

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is None and ec.query:
            document = self.documents.document(ec.query)
            if document is not None:
                ec.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None and ec.query and ec.pre_execution_errors is None:
            ec.pre_execution_errors = list(self.documents.errors(ec.schema._schema, ec.query,
                                                                 ec.graphql_document))
        yield

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        request = ec.context.get("request") if isinstance(ec.context, dict) else None
        refusal = None
        if ec.operation_type == OperationType.SUBSCRIPTION and isinstance(request, Request):
            refusal = GraphQLError("subscriptions are served over a websocket at /graphql (protocol "
                                   "graphql-transport-ws); over HTTP only queries and mutations run",
                                   extensions={"code": "SUBSCRIPTION_NEEDS_WEBSOCKET"})
        elif ec.graphql_document is not None:
            cost = request_cost(ec.schema._schema, ec.graphql_document, ec.operation_name, ec.variables,
                                date.today())
            if cost.total > self.limits.max_cost:
                refusal = GraphQLError(
                    f"query too costly: estimated cost {cost.total} is over the limit of "
                    f"{self.limits.max_cost} (ZHENGAI_MAX_COST): {cost.fields} fields and "
                    f"{len(cost.dates) + cost.simulations} full evaluations (distinct dates, simulations) at "
                    f"{DATE_COST} each; "
                    "ask for fewer dates (asOf, trend ranges), smaller lists (first) or split the query",
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": cost.total,
                                "maxCost": self.limits.max_cost})
        if refusal is not None:
            ec.result = ExecutionResult(data=None, errors=[refusal])
        yield
