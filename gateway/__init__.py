"""The GraphQL gateway of the provider portal."""
