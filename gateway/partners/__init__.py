"""Partner integrations: OAuth 2.0 clients in the directory, their scopes, Tax ID bindings and per-client
limits (docs/partners.md)."""
