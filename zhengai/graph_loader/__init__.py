"""Reading and validating dataset folders, and the bundled demo: source files → validated :class:`Dataset`."""

from importlib.resources import files
from pathlib import Path

from zhengai.graph_loader.errors import DatasetError, LocatedError
from zhengai.graph_loader.validate import load_dataset, validate_folder


def demo_path() -> Path:
    """The folder of the bundled demo dataset (扬州工业职业技术学院)."""
    return Path(str(files("zhengai.graph_loader") / "demo"))


__all__ = ["DatasetError", "LocatedError", "demo_path", "load_dataset", "validate_folder"]
