"""What a validated dataset was built into, kept between starts as Python keeps ``__pycache__``.

Validating ``college`` (409k records, 1.86M observations) and building the embedded store's graph from it
take about 8.5 s of a server's start; reading back what the last start built takes under 2 s.
:func:`cached_build` returns ``build(dataset)`` of a folder from ``<state>/dataset.cache`` when that file
was written for the very same source files (their names and contents, hashed), the same ``build`` and
the same code (the sources of the packages that validate a dataset and hold what is built from it, and
the library versions); otherwise it validates the folder, builds, and rewrites the cache. A cache that
cannot be read (truncated, another format) is ignored and rewritten; a dataset with errors is never
cached. The file is a pickle: like ``__pycache__`` it is trusted, so the state folder must be writable by
the service alone (it holds the journal of every change too).
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy
import pydantic
from pydantic import BaseModel

from zhengai.domain.allocation import collector_paused
from zhengai.domain.models import Dataset
from zhengai.graph_loader.csv_tables import LINK_TABLES, RECORD_TABLES
from zhengai.graph_loader.errors import LocatedError
from zhengai.graph_loader.validate import DATASET_FILE, OBSERVATIONS_FILE, validate_folder

__all__ = ["CACHE_FILE", "cached_build", "source_key", "write_cache"]

log = logging.getLogger("zhengai.dataset_cache")

CACHE_FILE = "dataset.cache"
_TEMP_PREFIX = ".dataset-"  # a cache being written, renamed over CACHE_FILE when whole
#: Every file of a dataset folder that validation reads (see :mod:`zhengai.graph_loader.validate`).
SOURCE_FILES = (DATASET_FILE, *RECORD_TABLES, *LINK_TABLES, OBSERVATIONS_FILE)
#: The packages whose code decides what a valid dataset is and what is built from it.
_CODE_PACKAGES = ("domain", "graph_loader", "stores")
_FORMAT = 2

T = TypeVar("T")


def cached_build(folder: Path, state: Path, build: Callable[[Dataset], T]
                 ) -> tuple[T | None, list[LocatedError], bool]:
    """``build`` of the validated dataset of ``folder`` (None when it has errors), its errors, and whether
    it came from ``state``'s cache (then current); otherwise built and, with no errors, cached.
    ``build`` is a named function (its name is part of the key)."""
    key = source_key(folder, build)
    cached = _read(state / CACHE_FILE, key)
    if cached is not None:
        return cached, [], True
    dataset, errors = validate_folder(folder)
    if errors:
        return None, errors, False
    built = build(dataset)
    del dataset  # (what ``build`` keeps of it lives on in ``built``)
    write_cache(folder, state, built, build, key)
    return built, [], False


def source_key(folder: Path, build: Callable[[Dataset], Any]) -> str:
    """A digest of the dataset's source files (names and bytes), of ``build``'s name and of the code."""
    digest = hashlib.blake2b(f"{_code_key()} {build.__module__}.{build.__qualname__}".encode(),
                             digest_size=32)
    for name in SOURCE_FILES:
        file = folder / name
        digest.update(f"\0{name}\0".encode())
        if file.is_file():
            with file.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "blake2b").digest())
        else:
            digest.update(b"absent")
    return digest.hexdigest()


@cache
def _code_key() -> str:
    """A digest of the validating modules' sources and of the versions they run on."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(f"{_FORMAT} {sys.version} {pydantic.VERSION} {numpy.__version__}".encode())
    for package in _CODE_PACKAGES:
        for source in sorted((root / package).rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _read(path: Path, key: str) -> Any:
    try:
        with path.open("rb") as handle, collector_paused():
            if pickle.load(handle) != key:
                return None
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a cache that cannot be read is only a cache: validate again
        log.warning("%s cannot be read (%s); the dataset is validated again", path, exc)
        return None


def write_cache(folder: Path, state: Path, built: Any, build: Callable[[Dataset], Any],
                key: str | None = None) -> None:
    """Keep ``built`` (``build`` of ``folder``'s dataset, validated without errors) in ``state``, whole or
    not at all (a temporary file renamed over the cache); a state folder that cannot take it changes
    nothing."""
    path, key = state / CACHE_FILE, key or source_key(folder, build)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=_TEMP_PREFIX, delete=False) as out:
            try:
                pickle.dump(key, out, protocol=5)
                pickler = pickle.Pickler(out, protocol=5)
                pickler.dispatch_table = _models_table()
                pickler.dump(built)
                out.flush()
                os.fsync(out.fileno())
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, path)
        for stale in path.parent.glob(f"{_TEMP_PREFIX}*"):  # what a write killed midway left
            stale.unlink(missing_ok=True)
    except Exception as exc:  # (a full disk, a read-only state folder): the next start validates again
        log.warning("%s not written (%s); the next start validates the dataset again", path, exc)


def _models_table() -> dict[type, Any]:
    """Pickling of every pydantic model class by its fields alone (read back without validation: they
    were validated when written, and the key pins the code that validated them)."""
    table = copyreg.dispatch_table.copy()
    todo: list[type] = [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in table:
                table[sub] = _reduce
                todo.append(sub)
    return table


def _reduce(model: BaseModel) -> tuple[Any, ...]:
    return _rebuilt, (type(model), model.__dict__, model.__pydantic_fields_set__, model.__pydantic_extra__,
                      model.__pydantic_private__)


def _rebuilt(cls: type[BaseModel], fields: dict[str, Any], fields_set: set[str],
             extra: dict[str, Any] | None, private: dict[str, Any] | None) -> BaseModel:
    """A model from its fields as written (what ``model_construct`` does, minus defaults and checks)."""
    model = object.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", extra)
    object.__setattr__(model, "__pydantic_private__", private)
    return model
