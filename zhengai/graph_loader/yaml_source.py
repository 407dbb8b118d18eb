"""Read YAML keeping the line of every value, so errors can be located.

Scalars are converted like ``yaml.safe_load`` does, except timestamps: they stay text and
pydantic parses them, so an impossible date such as ``2024-13-01`` becomes a located field
error instead of a parser crash that would hide every other error.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]

_CONSTRUCTOR = yaml.SafeLoader("")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LocatedYaml:
    """A parsed YAML document and the 1-based line of each value path."""

    def __init__(self, data: Any, lines: dict[Path_, int]):
        self.data = data
        self.lines = lines

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of ``path`` (1 when nothing matches)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


def _convert(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, (*path, "<key>"), {})
            key = key if isinstance(key, (str, int)) else str(key)
            out[key] = _convert(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines) for i, item in enumerate(node.value)]
    if node.tag == _TIMESTAMP:
        return node.value
    return _CONSTRUCTOR.construct_object(node, deep=True)


def read_located_yaml(text: str) -> LocatedYaml:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with a mark) on bad syntax."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Path_, int] = {}
    data = None if root is None else _convert(root, (), lines)
    return LocatedYaml(data, lines)
