"""The national directory: people, Tax IDs, agreements, associations, sessions, audit."""
