"""Referrals and authorizations (the Colorado welcome page: "create and view referrals/authorizations"): the
mutation services that request, answer, cancel and decide them, each one audited, with letters delivered to
the requester's live in-basket and by email."""
