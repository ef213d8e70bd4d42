"""Who to sign in as once the demo data is loaded, and what each person shows: what `serve --prepare` prints
when it serves (the README's demo accounts table says the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from gateway.seed.fixed import DEMO_PASSWORD, PARTNER_CLIENTS, PEOPLE

# One line per fixed person (tests/test_demo_sign_ins.py keeps this in step with the people and the README).
WHAT_THEY_SHOW: Final[Mapping[str, str]] = {
    "dana.reyes": "provider staff, clinical access to Harbor Medical Group in Southern and Northern "
    "California: claims of two regions, acknowledgement letters; a pending request in Georgia",
    "omar.haddad": "provider staff in Colorado, Hawaii, Mid-Atlantic States and Northwest: disputes on "
    "behalf of a provider picked from Front Range Orthopedics' 60",
    "tess.nguyen": "a billing company's claims specialist (third-party administrator): Peachtree Pediatrics "
    "in Georgia, administrative access, so no clinical fields",
    "rep.scal": "regional representative of Southern California: processes enrollment agreements",
    "rep.ga": "regional representative of Georgia: decides Dana's pending association request",
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
