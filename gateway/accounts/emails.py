"""The words of the emails account changes send, in one place: plain text in the portal's voice, no PHI.

Each function gives (kind, subject, body); the change writes it to the outbox in its own transaction
(`DirectoryAccounts.add_email`) and the delivery worker (gateway/mail/) sends it as text and HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

_SIGN_OFF = "Thank you,\nOnline Affiliate"


@dataclass(frozen=True, slots=True)
class Email:
    kind: str
    subject: str
    body: str


def agreement_processed(tax_id: str, entity_name: str, *, accepted: bool) -> Email:
    if accepted:
        body = (
            f"The Online Affiliate Enrollment Agreement of {entity_name} (Tax ID {tax_id}) has been "
            "processed.\n\nYour staff can now register for Online Affiliate with this Tax ID (New User "
            f"Registration), and ask for access to it.\n\n{_SIGN_OFF}"
        )
        return Email("agreement_processed", "Your Online Affiliate agreement has been processed", body)
    body = (
        "We could not process the Online Affiliate Enrollment Agreement of "
        f"{entity_name} (Tax ID {tax_id}).\n\n"
        "Open a support case from the Online Affiliate sign-on page and a consultant will tell you what is "
        f"missing.\n\n{_SIGN_OFF}"
    )
    return Email("agreement_processed", "Your Online Affiliate agreement could not be processed", body)


def tpa_attestation_processed(group: str, group_tax_id: str, tpa: str, *, accepted: bool) -> Email:
    if accepted:
        body = (
            f"The TPA Attestation of {group} (Tax ID {group_tax_id}) for {tpa} has been processed.\n\n"
            f"The staff of {tpa} may now ask for administrative access to {group}'s claims.\n\n{_SIGN_OFF}"
        )
        return Email("tpa_attestation_processed", "Your TPA Attestation has been processed", body)
    body = (
        f"We could not process the TPA Attestation of {group} (Tax ID {group_tax_id}) for {tpa}.\n\n"
        f"Open a support case and a consultant will tell you what is missing.\n\n{_SIGN_OFF}"
    )
    return Email("tpa_attestation_processed", "Your TPA Attestation could not be processed", body)


def association_decided(
    first_name: str, tax_id: str, region: str, *, approved: bool, reason: str | None
) -> Email:
    if approved:
        body = (
            f"Hello {first_name},\n\nYour request for access to Tax ID {tax_id} in {region} has been "
            f"approved.\n\n{_SIGN_OFF}"
        )
        return Email("association_decided", "Your Online Affiliate access request was approved", body)
    because = f"\n\nThe reason given: {reason}" if reason else ""
    body = (
        f"Hello {first_name},\n\nYour request for access to Tax ID {tax_id} in {region} was not approved."
        f"{because}\n\nYou can see your requests in Manage My Account › Associations.\n\n{_SIGN_OFF}"
    )
    return Email("association_decided", "Your Online Affiliate access request was not approved", body)


def access_complete(first_name: str, user_id: str) -> Email:
    """The Colorado welcome page: "You will receive an email when your access has been completed."""
    body = (
        f"Hello {first_name},\n\nYour access has been completed: sign on to Online Affiliate with your user "
        f"ID {user_id} to see your claims and messages.\n\n{_SIGN_OFF}"
    )
    return Email("access_complete", "Your Online Affiliate access has been completed", body)


def support_case_answered(case_number: str) -> Email:
    """The answer itself is not in the email: the opener reads it back with the case number and email."""
    body = (
        f"An Online Affiliate consultant has answered your support case {case_number}.\n\n"
        'To read the answer, choose "Check a support case" on the Online Affiliate sign-on page and enter '
        f"the case number with this email address.\n\n{_SIGN_OFF}"
    )
    return Email("support_case_answered", f"Your support case {case_number} has been answered", body)
