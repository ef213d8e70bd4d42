"""The GraphQL schema, one module per domain; `schema.py` assembles them."""
