"""Read YAML keeping the line of every value, so errors can be located.

Scalars are converted like ``yaml.safe_load`` does, except timestamps: they stay text and
pydantic parses them, so an impossible date such as ``2024-13-01`` becomes a located field
error instead of a parser crash that would hide every other error.

Aliases are limited before anything is expanded: they may add at most ``MAX_ALIAS_VALUES`` values (or
as many as the document holds, if more), so a few lines of nested aliases (an "alias bomb") are refused
at once instead of growing to gigabytes; an alias of a value that contains it is refused too.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]

_CONSTRUCTOR = yaml.SafeLoader("")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: Values that aliases may add to a document (beyond the document's own size, when that is larger).
MAX_ALIAS_VALUES = 100_000


class YamlLimitError(yaml.YAMLError):
    """A document refused for its shape (aliases, nesting) rather than its syntax; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class LocatedYaml:
    """A parsed YAML document, the 1-based line of each value path and the keys given twice in a mapping
    (line, key, line of the first): YAML keeps the last silently, so they are reported."""

    def __init__(self, data: Any, lines: dict[Path_, int],
                 duplicates: list[tuple[int, str, int]] | None = None):
        self.data = data
        self.lines = lines
        self.duplicates = duplicates or []

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of ``path`` (1 when nothing matches)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


def _convert(node: yaml.Node, path: Path_, lines: dict[Path_, int], dups: list[tuple[int, str, int]]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, (*path, "<key>"), {}, dups)
            key = key if isinstance(key, (str, int)) else str(key)
            if key in out:
                dups.append((key_node.start_mark.line + 1, str(key), lines[(*path, key)]))
            out[key] = _convert(value_node, (*path, key), lines, dups)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines, dups) for i, item in enumerate(node.value)]
    if node.tag == _TIMESTAMP:
        return node.value
    return _CONSTRUCTOR.construct_object(node, deep=True)


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand too far, or refer to a value containing them."""
    sizes: dict[int, int] = {}
    shared: dict[int, yaml.Node] = {}
    open_: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            shared[key] = node
            return sizes[key]
        if key in open_:
            raise YamlLimitError(node.start_mark.line + 1, "recursive alias: the anchored value here "
                                                           "contains an alias of itself")
        open_.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        open_.discard(key)
        sizes[key] = total
        return total

    expanded, distinct = size(root), len(sizes)
    if expanded - distinct > max(MAX_ALIAS_VALUES, distinct):
        worst = max(shared.values(), key=lambda n: sizes[id(n)])
        raise YamlLimitError(worst.start_mark.line + 1,
                             f"aliases expand the document from {distinct:,} to {expanded:,} values (at most "
                             f"{MAX_ALIAS_VALUES:,} more are allowed; an alias bomb?); the anchor here alone "
                             f"holds {sizes[id(worst)]:,}: write the values out instead")


def read_located_yaml(text: str) -> LocatedYaml:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with a mark) on bad syntax and
    :class:`YamlLimitError` on aliases that expand too far or nesting too deep to read."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            return LocatedYaml(None, {})
        _check_aliases(root)
        lines: dict[Path_, int] = {}
        dups: list[tuple[int, str, int]] = []
        return LocatedYaml(_convert(root, (), lines, dups), lines, dups)
    except RecursionError:
        raise YamlLimitError(1, "nested too deeply to read (hundreds of levels of lists or mappings)"
                             ) from None
