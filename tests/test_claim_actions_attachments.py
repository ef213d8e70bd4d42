"""Attachments through real multipart requests (GraphQL multipart request spec) and back through
`GET /attachments/{id}`: only PDF and GIF, recognised from their bytes, at most 20 MiB, at most ten."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from gateway.directory.tables import audit_events
from gateway.ids import encode_id
from tests.conftest import Gateway
from tests.test_claim_actions import claim_of, codes, message_count

LIMIT = 20 * 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"

RFI = """
mutation Answer($input: RequestForInformationResponseInput!) {
  respondToRequestForInformation(input: $input) {
    message { id attachments { id filename contentType sizeBytes sha256 } }
    acknowledgement { id }
    confirmation
    userErrors { code field message }
  }
}
"""

DISPUTE = """
mutation Dispute($input: DisputeInput!) {
  fileDispute(input: $input) {
    message { id attachments { id filename contentType sizeBytes sha256 } }
    userErrors { code field message }
  }
}
"""


async def upload(
    gateway: Gateway,
    document: str,
    fields: dict[str, Any],
    files: list[tuple[str, bytes]],
    *,
    as_user: str | None,
    preflight: bool = True,
) -> httpx.Response:
    """One GraphQL multipart request: `operations`, `map`, then the files, as browsers send them."""
    operations = {"query": document, "variables": {"input": {**fields, "attachments": [None] * len(files)}}}
    files_map = {str(index): [f"variables.input.attachments.{index}"] for index in range(len(files))}
    headers = {"apollo-require-preflight": "true"} if preflight else {}
    if as_user is not None:
        headers["authorization"] = f"Bearer {await gateway.token(as_user)}"
    return await gateway.client.post(
        "/graphql",
        data={"operations": orjson.dumps(operations).decode(), "map": orjson.dumps(files_map).decode()},
        files={
            str(index): (name, content, "application/octet-stream")
            for index, (name, content) in enumerate(files)
        },
        headers=headers,
    )


async def upload_payload(
    gateway: Gateway, document: str, fields: dict[str, Any], files: list[tuple[str, bytes]], as_user: str
) -> dict[str, Any]:
    response = await upload(gateway, document, fields, files, as_user=as_user)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return payload


async def download(gateway: Gateway, attachment_id: str, as_user: str | None) -> httpx.Response:
    headers = {} if as_user is None else {"authorization": f"Bearer {await gateway.token(as_user)}"}
    return await gateway.client.get(f"/attachments/{attachment_id}", headers=headers)


async def test_a_pdf_and_a_gif_go_up_as_multipart_and_come_back_identical(writable_gateway: Gateway) -> None:
    # given
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    # when
    payload = await upload_payload(
        writable_gateway,
        RFI,
        {"claimId": claim["id"], "subtopic": "SOLICITED_CLAIMS_RFI_LETTER", "body": "Records and a scan."},
        [("records.pdf", PDF), ("Scan.GIF", GIF)],
        "dana.reyes",
    )
    # then
    assert payload["userErrors"] == []
    assert payload["confirmation"] == "The message has been sent successfully"
    assert payload["acknowledgement"] is not None
    attachments = payload["message"]["attachments"]
    assert [(a["filename"], a["contentType"], a["sizeBytes"], a["sha256"]) for a in attachments] == [
        ("records.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest()),
        ("Scan.GIF", "image/gif", len(GIF), hashlib.sha256(GIF).hexdigest()),
    ]
    for attachment, content in zip(attachments, (PDF, GIF), strict=True):
        response = await download(writable_gateway, attachment["id"], "dana.reyes")
        assert response.status_code == 200
        assert response.content == content
        assert response.headers["content-type"] == attachment["contentType"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert attachment["filename"] in response.headers["content-disposition"]


async def test_only_someone_who_sees_the_claim_downloads(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000003", "dana.reyes")
    payload = await upload_payload(
        writable_gateway,
        RFI,
        {"claimId": claim["id"], "subtopic": "CODE_EDIT_RFI_LETTER", "body": "x"},
        [("a.pdf", PDF)],
        "dana.reyes",
    )
    attachment_id = payload["message"]["attachments"][0]["id"]
    missing = encode_id("Attachment", "SCAL", 999_999)
    answers = [
        await download(writable_gateway, attachment_id, "omar.haddad"),
        await download(writable_gateway, attachment_id, "tess.nguyen"),
        await download(writable_gateway, attachment_id, None),
        await download(writable_gateway, missing, "dana.reyes"),
        await download(writable_gateway, encode_id("Claim", "SCAL", 1), "dana.reyes"),
        await download(writable_gateway, "forged!", "dana.reyes"),
    ]
    assert {(r.status_code, r.text) for r in answers} == {(404, '{"error":"not_found"}')}
    # every download attempt is an audit event
    async with writable_gateway.runtime.directory.engine.connect() as connection:
        statement = select(audit_events).where(audit_events.c.action == "download_attachment")
        rows = (await connection.execute(statement)).mappings().all()
    refused = [row for row in rows if row["detail"].get("attachment_id") == attachment_id]
    assert {(row["actor"], row["outcome"]) for row in refused} >= {
        ("omar.haddad", "not_found"),
        (None, "not_found"),
    }


async def test_a_file_of_exactly_20_mib_is_taken_and_streams_back_whole(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "HI0000000001", "omar.haddad")
    content = PDF + bytes(range(256)) * ((LIMIT - len(PDF)) // 256)
    content += b"\n" * (LIMIT - len(content))
    assert len(content) == LIMIT
    payload = await upload_payload(
        writable_gateway,
        RFI,
        {"claimId": claim["id"], "subtopic": "SOLICITED_CLAIMS_RFI_LETTER", "body": "The whole chart."},
        [("chart.pdf", content)],
        "omar.haddad",
    )
    assert payload["userErrors"] == []
    attachment = payload["message"]["attachments"][0]
    assert attachment["sizeBytes"] == LIMIT
    response = await download(writable_gateway, attachment["id"], "omar.haddad")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(LIMIT)
    assert (
        hashlib.sha256(response.content).hexdigest()
        == attachment["sha256"]
        == hashlib.sha256(content).hexdigest()
    )
    assert response.content == content


async def test_a_file_just_over_20_mib_is_named_and_nothing_is_filed(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    before = claim["messages"]["totalCount"]
    too_big = PDF + b"\0" * (LIMIT + 1 - len(PDF))
    payload = await upload_payload(
        writable_gateway,
        RFI,
        {"claimId": claim["id"], "subtopic": "SOLICITED_CLAIMS_RFI_LETTER", "body": "Too much."},
        [("fine.pdf", PDF), ("huge.pdf", too_big)],
        "dana.reyes",
    )
    assert codes(payload) == [("ATTACHMENT_TOO_LARGE", ["input", "attachments", "1"])]
    assert payload["message"] is None
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before


async def test_bad_files_are_refused_by_position_and_leave_no_message(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "NCAL0000000001", "dana.reyes")
    before = claim["messages"]["totalCount"]
    fields = {"claimId": claim["id"], "subtopic": "UNSOLICITED_RFI_DOCUMENT", "body": "Files."}
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    cases: list[tuple[list[tuple[str, bytes]], list[tuple[str, list[str] | None]]]] = [
        (
            [("ok.pdf", PDF), ("notes.pdf", b"plain text pretending")],
            [("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "1"])],
        ),
        ([("image.pdf", GIF)], [("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "0"])]),
        ([("report.gif", PDF)], [("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "0"])]),
        ([("report", PDF)], [("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "0"])]),
        ([("empty.pdf", b"")], [("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "0"])]),
        (
            [("photo.gif", png), ("ok.gif", GIF), ("x.exe.pdf", b"MZ\x90\x00")],
            [
                ("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "0"]),
                ("ATTACHMENT_TYPE_NOT_ALLOWED", ["input", "attachments", "2"]),
            ],
        ),
        ([(f"{index}.pdf", PDF) for index in range(11)], [("INVALID", ["input", "attachments"])]),
        ([("a" * 252 + ".pdf", PDF)], [("INVALID", ["input", "attachments", "0"])]),
    ]
    for files, expected in cases:
        payload = await upload_payload(writable_gateway, RFI, fields, files, "dana.reyes")
        assert codes(payload) == expected, [name for name, _ in files]
        assert payload["message"] is None
    assert await message_count(writable_gateway, "NCAL0000000001", "dana.reyes") == before
    # ten is the most a message takes
    ten = await upload_payload(
        writable_gateway, RFI, fields, [(f"{i}.pdf", PDF) for i in range(10)], "dana.reyes"
    )
    assert ten["userErrors"] == []
    assert len(ten["message"]["attachments"]) == 10


async def test_a_refused_action_leaves_no_upload_behind_either(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000003", "dana.reyes")  # not finalized: no dispute
    payload = await upload_payload(
        writable_gateway, DISPUTE, {"claimId": claim["id"], "body": "No."}, [("a.pdf", PDF)], "dana.reyes"
    )
    assert codes(payload) == [("ACTION_NOT_AVAILABLE", None)]


async def test_multipart_needs_a_preflight_header(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    response = await upload(
        writable_gateway,
        RFI,
        {"claimId": claim["id"], "subtopic": "UNSOLICITED_RFI_DOCUMENT", "body": "CSRF?"},
        [("a.pdf", PDF)],
        as_user="dana.reyes",
        preflight=False,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_malformed_multipart_requests_are_clear_400s(writable_gateway: Gateway) -> None:
    token = await writable_gateway.token("dana.reyes")
    headers = {"apollo-require-preflight": "true", "authorization": f"Bearer {token}"}
    operations = orjson.dumps({"query": RFI, "variables": {"input": {"attachments": [None]}}}).decode()
    cases = [
        # the map names a file the request does not carry
        {
            "data": {"operations": operations, "map": '{"0": ["variables.input.attachments.0"]}'},
            "files": {"1": ("a.pdf", PDF)},
        },
        # the map points at a variable that is not there
        {
            "data": {"operations": operations, "map": '{"0": ["variables.nothing.here.0"]}'},
            "files": {"0": ("a.pdf", PDF)},
        },
        # operations that are not JSON, and no map at all
        {"data": {"operations": "{nope", "map": "{}"}, "files": {"0": ("a.pdf", PDF)}},
        {"data": {"operations": operations}, "files": {"0": ("a.pdf", PDF)}},
        {
            "data": {"operations": operations, "map": '{"0": "variables.input.attachments.0"}'},
            "files": {"0": ("a.pdf", PDF)},
        },
    ]
    for case in cases:
        response = await writable_gateway.client.post("/graphql", headers=headers, **case)  # type: ignore[arg-type]
        assert response.status_code == 400, (case, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    no_boundary = await writable_gateway.client.post(
        "/graphql", headers={**headers, "content-type": "multipart/form-data"}, content=b"--x--"
    )
    assert no_boundary.status_code == 400
