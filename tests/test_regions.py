"""The region suite: every region's rules and contacts as the seeds give them, the same flow in all seven."""

from __future__ import annotations

import pytest

from regions.base.registry import ADAPTERS, REGION_CODES
from tests.conftest import Gateway

EXPECTED = {
    # code: (name, acknowledgement letters, provider picker, registration/training mailbox)
    "SCAL": ("California – Southern", True, False, "KP-SCAL-OnlineAffiliate@kp.org"),
    "NCAL": ("California – Northern", True, False, "KP-NCAL-OnlineAffiliate@kp.org"),
    "CO": ("Colorado", False, True, "KP-CO-OnlineAffiliate@kp.org"),
    "GA": ("Georgia", False, False, "KP-GA-OnlineAffiliate@kp.org"),
    "HI": ("Hawaii", False, True, "KP-HI-OnlineAffiliate@kp.org"),
    "MAS": ("Mid-Atlantic States", False, True, "KP-MAS-OnlineAffiliate@kp.org"),
    "NW": ("Northwest", False, True, "NW-Provider-Relations@kp.org"),
}
REGIONS = """query { regions { code name acknowledgementLetters onBehalfOfProviderPicker
  contacts { technicalSupportPhone registrationHelpEmail trainingHelpEmail }
  providerRelations { phone menu { digit label } } behavioralHealthSupportEmail } }"""


def test_the_registry_holds_the_seven_regions() -> None:
    assert set(REGION_CODES) == set(EXPECTED)


@pytest.mark.parametrize("code", REGION_CODES)
async def test_each_region_presents_its_rules_and_contacts(gateway: Gateway, code: str) -> None:
    body = await gateway.query(REGIONS)
    [region] = [r for r in body["data"]["regions"] if r["code"] == code]
    name, letters, picker, mailbox = EXPECTED[code]
    assert region["name"] == name
    assert region["acknowledgementLetters"] is letters
    assert region["onBehalfOfProviderPicker"] is picker
    assert region["contacts"] == {
        "technicalSupportPhone": "844-563-4357",
        "registrationHelpEmail": mailbox,
        "trainingHelpEmail": mailbox,
    }
    if code == "CO":
        assert region["providerRelations"]["phone"] == "(866) 866-3951"
        assert [o["digit"] for o in region["providerRelations"]["menu"]] == [1, 2, 3, 4, 5]
        assert region["providerRelations"]["menu"][1]["label"] == "Physician-based (Denver/Boulder)"
    else:
        assert region["providerRelations"] is None
    expected_bh = {"SCAL": "SCAL-BH-Panel@kp.org", "NCAL": "MentalHealthExternalProviderQA@kp.org"}.get(code)
    assert region["behavioralHealthSupportEmail"] == expected_bh


@pytest.mark.parametrize("code", REGION_CODES)
async def test_each_region_accepts_only_its_own_claim_numbers(gateway: Gateway, code: str) -> None:
    adapter = gateway.runtime.regions[code]
    assert isinstance(adapter, ADAPTERS[code])
    own = f"{code}0000000001"
    for other in REGION_CODES:
        number = f"{other}0000000001"
        assert adapter.is_own_claim_number(number) is (number == own)
    for malformed in (
        f"{code}123",
        f"{code}00000000011",
        f"{code.lower()}0000000001",
        f"{code}000000000X",
        "",
    ):
        assert adapter.is_own_claim_number(malformed) is False


@pytest.mark.parametrize("code", REGION_CODES)
async def test_each_region_serves_its_fixed_claim_to_its_associate(gateway: Gateway, code: str) -> None:
    person = {"SCAL": "dana.reyes", "NCAL": "dana.reyes", "GA": "tess.nguyen"}.get(code, "omar.haddad")
    number = f"{code}0000000001"
    body = await gateway.query(
        "query ($n: String!) { claims(search: {claimNumber: $n}) { edges { node { claimNumber region { code } } } } }",
        {"n": number},
        as_user=person,
    )
    assert body["data"]["claims"]["edges"] == [{"node": {"claimNumber": number, "region": {"code": code}}}]
