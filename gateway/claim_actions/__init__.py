"""Take Action on claims (seed 004): submissions with attachments, idempotency, and reading the in-basket."""
