"""Who to sign in as once the demo data is loaded, and what each person shows: what `serve --prepare` prints
when it serves (the README's demo accounts table says the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from gateway.seed.fixed import DEMO_PASSWORD, PARTNER_CLIENTS, PEOPLE

# One line per fixed person, as the README's demo accounts table words it (tests/test_serve_start_up.py).
WHAT_THEY_SHOW: Final[Mapping[str, str]] = {
    "dana.reyes": (
        "clinical access to one Tax ID in two regions (Southern and Northern California): claims of both "
        "on one page, acknowledgement letters in My Messages, a pending request in Georgia"
    ),
    "omar.haddad": (
        "four regions (Colorado, Hawaii, Mid-Atlantic States, Northwest): a dispute filed on behalf of "
        "one of 60 Colorado providers, picked from a paged, searchable list"
    ),
    "tess.nguyen": (
        "administrative access to Peachtree Pediatrics in Georgia: claims without clinical fields (date "
        "of birth, diagnosis codes)"
    ),
    "rep.scal": "processing enrollment agreements",
    "rep.ga": "deciding Dana's pending association request",
    "um.co": (
        "deciding Colorado's referrals and authorizations, overdue ones first (Casey Wu's pended referral)"
    ),
    "um.ncal": "deciding Northern California's referrals and authorizations (Sam Ortiz's consultation)",
}


def announcement(base_url: str) -> str:
    """What `serve --prepare` prints once it serves: where, and as whom to sign in."""
    width = max(len(person.user_id) for person in PEOPLE)
    people = "\n".join(
        f"  {person.user_id:<{width}}  {WHAT_THEY_SHOW.get(person.user_id, '')}".rstrip() for person in PEOPLE
    )
    partners = "\n".join(
        f"  {client.client_id} / {client.secret}: {' '.join(client.scopes)}" for client in PARTNER_CLIENTS
    )
    return (
        f"\nServing the provider portal at {base_url}/ (GraphiQL: {base_url}/graphql)\n"
        f"Sign in as one of these, password {DEMO_PASSWORD}\n{people}\n"
        f"Partner clients (OAuth client credentials, docs/partners.md)\n{partners}\n"
    )
