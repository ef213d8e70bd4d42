"""Guest look-ups: a claim's status or a member's eligibility by key, without signing in."""
