// Guest access (seeds 000, 001, 003): a claim's status, and a member's eligibility, without signing on.
import { type FormEvent, useState } from "react";
import { useQuery } from "urql";

import {
  GuestClaimStatusDocument,
  type GuestClaimStatusInput,
  GuestEligibilityDocument,
  type GuestEligibilityInput,
  type RegionCode,
  ViewerDocument,
} from "../../graphql/generated/graphql";
import { Alert, CLAIM_STATUS_LABELS, PLAN_LABELS, Page, RequestError, SelectField, TextField, date, money, statusCategoryLabel } from "../../ui";

function RegionSelect({ value, onChange }: { value: string; onChange: (code: RegionCode) => void }) {
  const [{ data }] = useQuery({ query: ViewerDocument });
  return (
    <SelectField
      label="Member’s home region"
      value={value}
      onChange={(event) => onChange(event.target.value as RegionCode)}
      required
    >
      <option value="">Choose a region</option>
      {(data?.regions ?? []).map((region) => (
        <option key={region.code} value={region.code}>
          {region.name}
        </option>
      ))}
    </SelectField>
  );
}

function ClaimStatusLookUp() {
  const [form, setForm] = useState({ region: "", claimNumber: "", memberId: "", memberDateOfBirth: "", billedAmount: "" });
  const [input, setInput] = useState<GuestClaimStatusInput | null>(null);
  const [missing, setMissing] = useState(false);
  const [result] = useQuery({
    query: GuestClaimStatusDocument,
    // Paused until the form is complete: the query never runs without its input.
    variables: { input: input! },
    pause: input === null,
    requestPolicy: "network-only",
  });
  const update = (name: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const complete = Object.values(form).every((value) => value.trim() !== "");
    setMissing(!complete);
    if (!complete) return;
    setInput({
      region: form.region as RegionCode,
      claimNumber: form.claimNumber.trim().toUpperCase(),
      memberId: form.memberId.trim().toUpperCase(),
      memberDateOfBirth: form.memberDateOfBirth,
      billedAmount: form.billedAmount.trim().replace(/[$,]/g, ""),
    });
  };
  const answer = result.data?.guestClaimStatus;
  return (
    <section className="card" aria-labelledby="guest-claim-heading">
      <h2 id="guest-claim-heading">Claim status</h2>
      <p>Enter the claim’s key information. Every field must match the claim.</p>
      <form onSubmit={submit} noValidate>
        {missing ? (
          <Alert kind="error">
            <p>Fill in every field to look the claim up.</p>
          </Alert>
        ) : null}
        <RegionSelect value={form.region} onChange={update("region")} />
        <TextField label="Claim number" value={form.claimNumber} onChange={(e) => update("claimNumber")(e.target.value)} hint="The KP-assigned claim number, e.g. SCAL0000000001." required />
        <TextField label="Member ID" value={form.memberId} onChange={(e) => update("memberId")(e.target.value)} required />
        <TextField label="Member’s date of birth" type="date" value={form.memberDateOfBirth} onChange={(e) => update("memberDateOfBirth")(e.target.value)} required />
        <TextField label="Billed amount" inputMode="decimal" value={form.billedAmount} onChange={(e) => update("billedAmount")(e.target.value)} hint="In dollars and cents, e.g. 1250.00." required />
        <button type="submit" className="button-primary" disabled={result.fetching}>
          Look up claim status
        </button>
      </form>
      <div aria-live="polite">
        <RequestError error={result.error} />
        {answer?.claim ? (
          <div className="result" data-testid="guest-claim-result">
            <h3>Claim {answer.claim.claimNumber}</h3>
            <dl className="facts">
              <dt>Status</dt>
              <dd>{CLAIM_STATUS_LABELS[answer.claim.status]}</dd>
              <dt>Status category (X12)</dt>
              <dd>{statusCategoryLabel(answer.claim.statusCategory)}</dd>
              {answer.claim.payment ? (
                <>
                  <dt>Paid to</dt>
                  <dd>{answer.claim.payment.vendor}</dd>
                  <dt>Payment</dt>
                  <dd>
                    {money(answer.claim.payment.amount)} by {answer.claim.payment.method}, reference{" "}
                    {answer.claim.payment.reference}, on {date(answer.claim.payment.paidOn)}
                  </dd>
                </>
              ) : null}
            </dl>
          </div>
        ) : null}
        {answer && !answer.claim ? (
          <Alert kind="info">
            <p>{answer.guidance ?? "No claim matches every field. Call the phone number listed on the member’s ID card."}</p>
          </Alert>
        ) : null}
      </div>
    </section>
  );
}

function EligibilityLookUp() {
  const [form, setForm] = useState({ region: "", memberId: "", memberDateOfBirth: "", memberLastName: "" });
  const [input, setInput] = useState<GuestEligibilityInput | null>(null);
  const [missing, setMissing] = useState(false);
  const [result] = useQuery({
    query: GuestEligibilityDocument,
    // Paused until the form is complete: the query never runs without its input.
    variables: { input: input! },
    pause: input === null,
    requestPolicy: "network-only",
  });
  const update = (name: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const complete = Object.values(form).every((value) => value.trim() !== "");
    setMissing(!complete);
    if (!complete) return;
    setInput({
      region: form.region as RegionCode,
      memberId: form.memberId.trim().toUpperCase(),
      memberDateOfBirth: form.memberDateOfBirth,
      memberLastName: form.memberLastName.trim(),
    });
  };
  const answer = result.data?.guestEligibility;
  return (
    <section className="card" aria-labelledby="guest-eligibility-heading">
      <h2 id="guest-eligibility-heading">Member eligibility</h2>
      <p>Enter the member’s key information to see basic eligibility.</p>
      <form onSubmit={submit} noValidate>
        {missing ? (
          <Alert kind="error">
            <p>Fill in every field to look the member up.</p>
          </Alert>
        ) : null}
        <RegionSelect value={form.region} onChange={update("region")} />
        <TextField label="Member ID" value={form.memberId} onChange={(e) => update("memberId")(e.target.value)} required />
        <TextField label="Member’s date of birth" type="date" value={form.memberDateOfBirth} onChange={(e) => update("memberDateOfBirth")(e.target.value)} required />
        <TextField label="Member’s last name" autoComplete="off" value={form.memberLastName} onChange={(e) => update("memberLastName")(e.target.value)} required />
        <button type="submit" className="button-primary" disabled={result.fetching}>
          Check eligibility
        </button>
      </form>
      <div aria-live="polite">
        <RequestError error={result.error} />
        {answer?.eligibility ? (
          <div className="result" data-testid="guest-eligibility-result">
            <h3>Member {answer.eligibility.memberId}</h3>
            <dl className="facts">
              <dt>Eligible</dt>
              <dd>{answer.eligibility.eligible ? "Yes, eligible" : "Not eligible"}</dd>
              <dt>Plan</dt>
              <dd>{PLAN_LABELS[answer.eligibility.planType]}</dd>
              <dt>Coverage</dt>
              <dd>
                {date(answer.eligibility.coverageFrom)} to {date(answer.eligibility.coverageTo)}
              </dd>
            </dl>
            {answer.guidance ? <p>{answer.guidance}</p> : null}
          </div>
        ) : null}
        {answer && !answer.eligibility ? (
          <Alert kind="info">
            <p>{answer.guidance ?? "No member matches every field."}</p>
          </Alert>
        ) : null}
      </div>
    </section>
  );
}

export function GuestAccess() {
  return (
    <Page title="Guest access" wide>
      <p>
        View a claim’s current processing status and, if it is paid, the vendor and payment — or a member’s basic
        eligibility — without registering. For more, register for Online Affiliate access.
      </p>
      <div className="two-columns">
        <ClaimStatusLookUp />
        <EligibilityLookUp />
      </div>
    </Page>
  );
}
