"""Manage My Account and enrollment: the services behind the account mutations (seeds 000 and 002)."""
