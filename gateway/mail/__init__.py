"""Email: the directory's outbox delivered over SMTP by a background worker."""
