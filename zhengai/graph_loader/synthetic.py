"""The synthetic dataset generator's public names (``zhengai generate``).

The generator itself is :mod:`zhengai.graph_loader.generators.synthetic`; nothing on the serving
path imports either module.
"""

from zhengai.graph_loader.generators.synthetic import CSV_TABLES, LINK_KINDS, NODE_KINDS, SCALES, generate

__all__ = ["CSV_TABLES", "LINK_KINDS", "NODE_KINDS", "SCALES", "generate"]
