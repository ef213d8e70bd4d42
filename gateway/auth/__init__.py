"""Who is asking: sign-in, sessions, tokens, and the Principal every request carries."""
