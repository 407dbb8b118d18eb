"""The 诊改 domain model: enums, pydantic records and the relationships between them."""
