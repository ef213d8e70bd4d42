"""The plan's seven regional backends: one shared base, one package of rules per region."""
