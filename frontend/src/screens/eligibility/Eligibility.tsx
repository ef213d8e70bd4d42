// Eligibility & Benefits (the Colorado welcome page: "confirm member eligibility and benefits"): a member found by
// member ID and date of birth in one of the person's regions, on a date of service; the answer as a
// coverage card, the benefits by X12 service type, and each accumulator as a labelled bar.
import { type FormEvent, useState } from "react";
import { useQuery } from "urql";

import {
  type AccumulatorKind,
  type CoverageLevel,
  EligibilityDocument,
  type EligibilityInput,
  type EligibilityQuery,
  type Network,
  type RegionCode,
  type ViewerQuery,
} from "../../graphql/generated/graphql";
import { useLocation } from "../../router";
import { Alert, PLAN_LABELS, Page, RequestError, SelectField, TextField, date, money } from "../../ui";

type Coverage = NonNullable<EligibilityQuery["eligibility"]["coverage"]>;
type Benefit = Coverage["benefits"][number];
type Accumulator = Coverage["accumulators"][number];

const NETWORK_LABELS: Record<Network, string> = { IN_NETWORK: "In network", OUT_OF_NETWORK: "Out of network" };
const KIND_LABELS: Record<AccumulatorKind, string> = {
  DEDUCTIBLE: "Deductible",
  OUT_OF_POCKET_MAXIMUM: "Out-of-pocket maximum",
};
const LEVEL_LABELS: Record<CoverageLevel, string> = { INDIVIDUAL: "individual", FAMILY: "family" };

/** Today in the person's own calendar, as YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return `${now.getFullYear()}-${month}-${day}`;
}

/** What a member pays for a benefit, in words. */
function costShare(benefit: Benefit): string {
  if (!benefit.covered) return "Not covered";
  const parts: string[] = [];
  if (benefit.copay !== null) parts.push(`${money(benefit.copay)} copay`);
  if (benefit.coinsurancePercent !== null) parts.push(`${benefit.coinsurancePercent}% coinsurance`);
  return parts.length > 0 ? parts.join(", ") : "Covered";
}

function visits(benefit: Benefit): string {
  if (benefit.visitLimit === null) return "—";
  return `${benefit.visitsUsed ?? 0} of ${benefit.visitLimit} used`;
}

function CoverageCard({ coverage }: { coverage: Coverage }) {
  return (
    <section className="card" aria-labelledby="coverage-heading" data-testid="coverage-card">
      <h2 id="coverage-heading">
        {coverage.member.firstName} {coverage.member.lastName} · {coverage.eligible ? "Eligible" : "Not eligible"}
      </h2>
      <dl className="facts">
        <dt>Eligible on {date(coverage.dateOfService)}</dt>
        <dd>{coverage.eligible ? "Yes, covered on the date of service" : "No, not covered on the date of service"}</dd>
        <dt>Member ID</dt>
        <dd>{coverage.member.memberId}</dd>
        {coverage.member.dateOfBirth ? (
          <>
            <dt>Date of birth</dt>
            <dd>{date(coverage.member.dateOfBirth)}</dd>
          </>
        ) : null}
        <dt>Plan</dt>
        <dd>
          {coverage.planName} ({PLAN_LABELS[coverage.planType]})
        </dd>
        <dt>Group</dt>
        <dd>
          {coverage.groupName}, group {coverage.groupNumber}
        </dd>
        <dt>Coverage</dt>
        <dd>
          {date(coverage.coverageFrom)} to {coverage.coverageTo ? date(coverage.coverageTo) : "no end date"}
        </dd>
        <dt>Primary care provider</dt>
        <dd>{coverage.primaryCareProvider ?? "—"}</dd>
        <dt>Region</dt>
        <dd>{coverage.region.name}</dd>
      </dl>
    </section>
  );
}

function BenefitsTable({ benefits }: { benefits: Benefit[] }) {
  if (benefits.length === 0) return null;
  return (
    <section className="card" aria-labelledby="benefits-heading">
      <h2 id="benefits-heading">Benefits by service type</h2>
      <div className="table-scroll">
        <table className="results" data-testid="benefits">
          <caption className="visually-hidden">Benefits by X12 service type, in and out of network</caption>
          <thead>
            <tr>
              <th scope="col">Service type</th>
              <th scope="col">Network</th>
              <th scope="col">Member pays</th>
              <th scope="col">Deductible applies</th>
              <th scope="col">Authorization required</th>
              <th scope="col">Visits</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {benefits.map((benefit) => (
              <tr key={`${benefit.serviceType.code}-${benefit.network}`}>
                <th scope="row">
                  {benefit.serviceType.description} ({benefit.serviceType.code})
                </th>
                <td>{NETWORK_LABELS[benefit.network]}</td>
                <td>{costShare(benefit)}</td>
                <td>{benefit.deductibleApplies ? "Yes" : "No"}</td>
                <td>{benefit.authorizationRequired ? "Yes" : "No"}</td>
                <td>{visits(benefit)}</td>
                <td>{benefit.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AccumulatorBar({ accumulator }: { accumulator: Accumulator }) {
  const label = `${KIND_LABELS[accumulator.kind]}, ${LEVEL_LABELS[accumulator.level]}, ${NETWORK_LABELS[
    accumulator.network
  ].toLowerCase()}`;
  const limit = Number(accumulator.limit);
  const met = Math.min(Number(accumulator.met), limit);
  return (
    <div className="accumulator" data-testid="accumulator">
      <p className="accumulator-label">{label}</p>
      {limit > 0 ? (
        <progress max={limit} value={met} aria-label={label} />
      ) : null}
      <p className="accumulator-figures">
        {limit > 0
          ? `${money(accumulator.met)} met of ${money(accumulator.limit)}; ${money(accumulator.remaining)} remaining`
          : `None: ${money(accumulator.limit)}`}
      </p>
    </div>
  );
}

function Accumulators({ accumulators }: { accumulators: Accumulator[] }) {
  if (accumulators.length === 0) return null;
  return (
    <section className="card" aria-labelledby="accumulators-heading">
      <h2 id="accumulators-heading">Deductibles and out-of-pocket maximums this plan year</h2>
      {accumulators.map((accumulator) => (
        <AccumulatorBar
          key={`${accumulator.kind}-${accumulator.level}-${accumulator.network}`}
          accumulator={accumulator}
        />
      ))}
    </section>
  );
}

export function Eligibility({ viewer }: { viewer: ViewerQuery | undefined }) {
  const { params } = useLocation();
  const regions = viewer?.viewer?.approvedRegions ?? [];
  const [form, setForm] = useState({
    region: params.get("region") ?? "",
    memberId: params.get("memberId") ?? "",
    memberDateOfBirth: params.get("dateOfBirth") ?? "",
    dateOfService: params.get("dateOfService") ?? today(),
  });
  // Arriving from a claim with every key (a claim's page links here): the member is looked up at once.
  const [input, setInput] = useState<EligibilityInput | null>(() =>
    form.region && form.memberId && form.memberDateOfBirth ? { ...form, region: form.region as RegionCode } : null,
  );
  const [missing, setMissing] = useState(false);
  // The region the session works in unless one is chosen (else the first approved one).
  const region = form.region || (viewer?.viewer?.activeRegion?.code ?? regions[0]?.code ?? "");
  const [result] = useQuery({
    query: EligibilityDocument,
    // Paused until the form is complete: the query never runs without its input.
    variables: { input: input! },
    pause: input === null,
    requestPolicy: "network-only",
  });
  const update = (name: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const complete = Object.values({ ...form, region }).every((value) => value.trim() !== "");
    setMissing(!complete);
    if (!complete) return;
    setInput({
      region: region as RegionCode,
      memberId: form.memberId.trim().toUpperCase(),
      memberDateOfBirth: form.memberDateOfBirth,
      dateOfService: form.dateOfService,
    });
  };
  const answer = result.data?.eligibility;
  return (
    <Page title="Eligibility & Benefits" wide>
      <section className="card" aria-labelledby="eligibility-form-heading">
        <h2 id="eligibility-form-heading">Find a member</h2>
        <p>The member ID and date of birth must both match the member’s record.</p>
        <form onSubmit={submit} noValidate>
          {missing ? (
            <Alert kind="error">
              <p>Fill in every field to look the member up.</p>
            </Alert>
          ) : null}
          <SelectField label="Region" value={region} onChange={(event) => update("region")(event.target.value)} required>
            <option value="">Choose a region</option>
            {regions.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name}
              </option>
            ))}
          </SelectField>
          <TextField label="Member ID" value={form.memberId} onChange={(e) => update("memberId")(e.target.value)} required />
          <TextField
            label="Member’s date of birth"
            type="date"
            value={form.memberDateOfBirth}
            onChange={(e) => update("memberDateOfBirth")(e.target.value)}
            required
          />
          <TextField
            label="Date of service"
            type="date"
            value={form.dateOfService}
            onChange={(e) => update("dateOfService")(e.target.value)}
            required
          />
          <button type="submit" className="button-primary" disabled={result.fetching}>
            Check eligibility and benefits
          </button>
        </form>
      </section>
      <div aria-live="polite">
        <RequestError error={result.error} />
        {answer?.coverage ? (
          <>
            <CoverageCard coverage={answer.coverage} />
            <BenefitsTable benefits={answer.coverage.benefits} />
            <Accumulators accumulators={answer.coverage.accumulators} />
          </>
        ) : null}
        {answer && !answer.coverage ? (
          <Alert kind="info">
            <p data-testid="eligibility-guidance">{answer.guidance ?? "No member matches the member ID and date of birth."}</p>
          </Alert>
        ) : null}
      </div>
    </Page>
  );
}
