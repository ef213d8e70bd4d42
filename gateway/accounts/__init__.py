"""Manage My Account and enrollment: the services behind the account mutations (the Online Provider Tools page
and the Online Affiliate FAQ)."""
