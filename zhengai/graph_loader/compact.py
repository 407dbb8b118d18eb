"""Keeping a college's hundreds of thousands of validated records small in memory.

pydantic gives every record its own set of the fields it was given (≈ 0.5–0.7 KB each) and its own copy
of every text, though most records of a table were given the same fields and repeat the same units,
owners, sources and goal ids. :class:`Compactor` lets equal sets and equal texts be one object: a
record's fields set is only read (a copy gets a copy of it, ``model_copy`` included) and records are
frozen, so sharing changes nothing but the memory they take.
"""

from __future__ import annotations

from typing import Any, TypeVar, get_args

from pydantic import BaseModel

__all__ = ["Compactor"]

R = TypeVar("R", bound=BaseModel)

#: fields whose texts are unique to a record (nothing to share)
_OWN_TEXTS = frozenset({"id", "name", "description", "content"})


class Compactor:
    """Shares equal fields sets and equal texts among the records it is given."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._sets: dict[frozenset[str], set[str]] = {}
        self._shared: dict[type, tuple[str, ...]] = {}  # model → its fields that may hold shared texts

    def __call__(self, record: R) -> R:
        """``record`` (the same object) with its fields set and repeated texts shared."""
        fields = record.__dict__
        model = type(record)
        names = self._shared.get(model)
        if names is None:
            names = self._shared[model] = tuple(n for n, f in model.model_fields.items()
                                                if n not in _OWN_TEXTS and _may_share(f.annotation))
        texts = self._texts
        for key in names:
            value = fields[key]
            kind = type(value)
            if kind is str:
                fields[key] = texts.setdefault(value, value)
            elif kind is list and value:
                fields[key] = [self(v) if isinstance(v, BaseModel) else
                               texts.setdefault(v, v) if type(v) is str else v for v in value]
            elif isinstance(value, BaseModel):
                self(value)
        return self._share_fields_set(record)

    def extended(self, record: R, name: str, extra: list) -> R:
        """``record`` itself with ``extra`` compacted and appended to its list field ``name``: only for a
        record just validated that nothing else holds yet (``model_copy`` would copy it whole)."""
        fields = record.__dict__
        fields[name] = [*fields[name], *(self(v) if isinstance(v, BaseModel) else v for v in extra)]
        if name not in record.__pydantic_fields_set__:
            object.__setattr__(record, "__pydantic_fields_set__", record.__pydantic_fields_set__ | {name})
        return self._share_fields_set(record)

    def _share_fields_set(self, record: R) -> R:
        """``record`` holding the one shared set equal to its fields set."""
        given = record.__pydantic_fields_set__
        object.__setattr__(record, "__pydantic_fields_set__", self._sets.setdefault(frozenset(given), given))
        return record


def _may_share(annotation: Any) -> bool:
    """Whether a field so typed may hold a text or a record (not numbers, dates, enums or lists of them)."""
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return True
    return any(_may_share(a) for a in get_args(annotation))
