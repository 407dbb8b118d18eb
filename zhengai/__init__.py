"""zhengai (诊改): the 五纵五横 quality network of a vocational college as a GraphQL knowledge graph."""

__version__ = "0.1.0"
