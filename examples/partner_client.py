"""A partner system's client of the provider portal gateway, as docs/partners.md describes it.

It gets a token with OAuth 2.0 client credentials, then runs the persisted documents of
examples/documents/: a claim's status by its number, the claims received since a date, supporting
documentation sent on the claim with a PDF (a GraphQL multipart request), and a member's eligibility and
benefits in the claim's region, with the same answer as an X12 271. Run it against `make run`:

    PARTNER_CLIENT_ID=summit-billing PARTNER_CLIENT_SECRET=demo-partner-secret \\
        python examples/partner_client.py --claim-number GA0000000001 --since 2026-01-01 \\
        --member-id M700000001 --member-date-of-birth 2015-10-10

Only httpx is needed (`pip install httpx`). GATEWAY_URL (default http://127.0.0.1:8000) names the gateway.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

DOCUMENTS = Path(__file__).resolve().parent / "documents"
SCOPE = "claims:read eligibility:read messages:read messages:write"
# Renew a token this long before it runs out, so that no request carries one that expires on the way.
RENEW_BEFORE_SECONDS = 30
# How many times one request is tried when the gateway answers RATE_LIMITED.
ATTEMPTS = 3


class TokenRefusedError(Exception):
    """The token endpoint refused (RFC 6749 §5.2): `error` is invalid_client, invalid_scope, …"""

    def __init__(self, error: str, description: str | None) -> None:
        super().__init__(f"{error}: {description or 'no description'}")
        self.error = error


class GraphQLRequestError(Exception):
    """Top-level GraphQL errors; `codes` holds each one's `extensions.code`."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.codes = [error.get("extensions", {}).get("code") for error in errors]
        described = zip(self.codes, errors, strict=True)
        super().__init__("; ".join(f"{code}: {error.get('message')}" for code, error in described))


@dataclass
class Token:
    value: str
    scope: str
    expires_at: float


class PartnerClient:
    """Tokens, persisted documents and uploads, with the error handling the guide describes."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, *, scope: str = SCOPE) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30.0)
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._token: Token | None = None

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ token

    def token(self) -> Token:
        """A valid token: the last one while it lasts, else a new one from POST /oauth/token."""
        if self._token is None or self._token.expires_at - RENEW_BEFORE_SECONDS < time.monotonic():
            response = self.http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "scope": self.scope},
                auth=(self.client_id, self.client_secret),
            )
            body = response.json()
            if response.status_code != 200:
                raise TokenRefusedError(body.get("error", "unknown"), body.get("error_description"))
            self._token = Token(
                value=body["access_token"],
                scope=body["scope"],
                expires_at=time.monotonic() + body["expires_in"],
            )
        return self._token

    # -------------------------------------------------------------- documents

    def run(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run a persisted document by its hash; the document itself is sent only if the gateway asks."""
        document = (DOCUMENTS / f"{name}.graphql").read_text()
        body: dict[str, Any] = {
            "operationName": name,
            "variables": variables,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _sha256(document)}},
        }
        try:
            return self._post(lambda headers: self.http.post("/graphql", json=body, headers=headers))
        except GraphQLRequestError as errors:
            if errors.codes != ["PERSISTED_QUERY_NOT_FOUND"]:
                raise
        # Not registered with this gateway yet: send it once with its hash (automatic persisted queries).
        body["query"] = document
        return self._post(lambda headers: self.http.post("/graphql", json=body, headers=headers))

    def upload(
        self, name: str, variables: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
    ) -> dict[str, Any]:
        """Run a document with files (GraphQL multipart request spec); `files` maps a variable path such
        as "input.attachments.0" to (filename, bytes, content type)."""
        document = (DOCUMENTS / f"{name}.graphql").read_text()
        operations = {"query": document, "operationName": name, "variables": variables}
        file_map = {str(index): [f"variables.{path}"] for index, path in enumerate(files)}
        parts = {str(index): file for index, file in enumerate(files.values())}

        def send(headers: dict[str, str]) -> httpx.Response:
            # A multipart POST is one a browser could send from another site: the gateway runs it only
            # with this header, which no such form can add (HTTP.md, CSRF prevention).
            headers = {**headers, "apollo-require-preflight": "true"}
            form = {"operations": json.dumps(operations), "map": json.dumps(file_map)}
            return self.http.post("/graphql", data=form, files=parts, headers=headers)

        return self._post(send)

    def _post(self, send: Any) -> dict[str, Any]:
        """Send with the token; a new token once on 401, a wait on RATE_LIMITED; the `data`, or raise."""
        renewed = False
        for attempt in range(1, ATTEMPTS + 1):
            response: httpx.Response = send({"authorization": f"Bearer {self.token().value}"})
            if response.status_code == 401 and not renewed:
                self._token, renewed = None, True  # expired or revoked: one new token, then give up
                continue
            if response.status_code == 429 and attempt < ATTEMPTS:
                time.sleep(int(response.headers.get("retry-after", "1")))
                continue
            body = response.json()
            if body.get("errors"):
                raise GraphQLRequestError(body["errors"])
            data: dict[str, Any] = body["data"]
            return data
        raise GraphQLRequestError([{"message": "gave up", "extensions": {"code": "RATE_LIMITED"}}])


def _sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def one_page_pdf(text: str) -> bytes:
    """A small, valid one-page PDF saying `text`, for trying the upload without a file at hand."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gateway", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--claim-number", default="GA0000000001")
    parser.add_argument("--since", default="2026-01-01", help="claims received on or after this date")
    parser.add_argument("--pdf", type=Path, help="the PDF to send (default: a one-page PDF made here)")
    parser.add_argument("--member-id", help="a member whose eligibility to check, in the claim's region")
    parser.add_argument("--member-date-of-birth", help="that member's date of birth")
    parser.add_argument("--x12", type=Path, help="write the eligibility answer's X12 271 to this file")
    args = parser.parse_args(argv)
    client = PartnerClient(
        args.gateway,
        os.environ.get("PARTNER_CLIENT_ID", "summit-billing"),
        os.environ.get("PARTNER_CLIENT_SECRET", "demo-partner-secret"),
    )
    try:
        token = client.token()
        print(f"token: scope {token.scope}")

        # 1. A claim's status by its number.
        edges = client.run("ClaimStatus", {"claimNumber": args.claim_number})["claims"]["edges"]
        if not edges:
            print(f"claim {args.claim_number}: not found (or not one of this client's Tax IDs)")
            return 1
        claim = edges[0]["node"]
        payment = claim["payment"]
        paid = (
            f", paid {payment['amount']} by {payment['method']} {payment['reference']} on {payment['paidOn']}"
            if payment
            else ""
        )
        print(f"claim {claim['claimNumber']}: {claim['status']} ({claim['statusCategory']}){paid}")

        # 2. Every claim received since a date, page by page.
        received: list[dict[str, Any]] = []
        after = None
        while True:
            page = client.run("ClaimsReceivedSince", {"since": args.since, "after": after})["claims"]
            received += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        print(f"claims received since {args.since}: {len(received)}")

        # 3. Supporting documentation with a PDF. The idempotency key makes a retry of this very request
        # (after a timeout, say) file it once: the gateway answers the first submission again.
        title = f"Itemized statement, {claim['claimNumber']}"
        pdf = args.pdf.read_bytes() if args.pdf else one_page_pdf(title)
        filename = args.pdf.name if args.pdf else "itemized-statement.pdf"
        sent = client.upload(
            "SubmitSupportingDocumentation",
            {
                "input": {
                    "claimId": claim["id"],
                    "body": "Itemized statement for this claim, as requested.",
                    "attachments": [None],
                    "idempotencyKey": str(uuid.uuid4()),
                }
            },
            {"input.attachments.0": (filename, pdf, "application/pdf")},
        )["submitSupportingDocumentation"]
        if sent["userErrors"]:
            for error in sent["userErrors"]:
                print(f"not sent: {error['code']} {error['message']}")
            return 1
        files = ", ".join(f"{a['filename']} ({a['contentType']})" for a in sent["message"]["attachments"])
        print(f"sent: {sent['confirmation']}; {files}")

        # 4. The member's eligibility and benefits today, and the same answer as an X12 271.
        if args.member_id and args.member_date_of_birth:
            member_id = args.member_id
            keys = {"region": claim["region"]["code"], "memberId": member_id}
            answer = client.run(
                "Eligibility", {"input": {**keys, "memberDateOfBirth": args.member_date_of_birth}}
            )["eligibility"]
            coverage = answer["coverage"]
            if coverage is None:
                print(f"eligibility {member_id}: {answer['guidance']}")
                return 1
            state = "eligible" if coverage["eligible"] else "not eligible"
            print(f"eligibility {member_id}: {state}, {coverage['planType']} group {coverage['groupNumber']}")
            x12: str = coverage["x12"]
            segments = x12.splitlines()
            print(f"271: {len(segments)} segments, {segments[2]}")
            if args.x12:
                args.x12.write_text(x12)
        return 0
    except (TokenRefusedError, GraphQLRequestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
