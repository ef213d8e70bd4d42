"""Take Action on claims (the Online Provider Messaging guide): submissions with attachments, idempotency, and
reading the in-basket."""
