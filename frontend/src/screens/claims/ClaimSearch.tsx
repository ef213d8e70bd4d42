// Claims › search (seed 004, steps 1–3): enter the KP-assigned claim number (or a status and dates), then
// open a claim from the results table by its Claim # link. The search lives in the address, so Back works.
import { type FormEvent, useState } from "react";
import { useQuery } from "urql";

import {
  type ClaimSearch as ClaimSearchInput,
  ClaimSearchDocument,
  type ClaimStatus,
  type RegionCode,
  type ViewerQuery,
} from "../../graphql/generated/graphql";
import { useKeyedState } from "../../keyedState";
import { Pager, pageCount, usePaging } from "../../pager";
import { Link, navigate, useLocation } from "../../router";
import { CLAIM_STATUS_LABELS, Page, RequestError, SelectField, TextField, date, money } from "../../ui";

const PAGE_SIZE = 20;
const ALL_REGIONS = "ALL";
const STATUSES = Object.keys(CLAIM_STATUS_LABELS) as ClaimStatus[];

interface Criteria {
  claimNumber: string;
  statuses: ClaimStatus[];
  receivedFrom: string;
  receivedTo: string;
  region: string;
}

function criteriaFrom(params: URLSearchParams, defaultRegion: string): Criteria {
  return {
    claimNumber: params.get("claimNumber") ?? "",
    statuses: (params.get("status") ?? "")
      .split(",")
      .filter((status): status is ClaimStatus => (STATUSES as string[]).includes(status)),
    receivedFrom: params.get("receivedFrom") ?? "",
    receivedTo: params.get("receivedTo") ?? "",
    region: params.get("region") ?? defaultRegion,
  };
}

function addressOf(criteria: Criteria): string {
  const params = new URLSearchParams();
  if (criteria.claimNumber) params.set("claimNumber", criteria.claimNumber);
  if (criteria.statuses.length) params.set("status", criteria.statuses.join(","));
  if (criteria.receivedFrom) params.set("receivedFrom", criteria.receivedFrom);
  if (criteria.receivedTo) params.set("receivedTo", criteria.receivedTo);
  params.set("region", criteria.region);
  return `/claims?${params.toString()}`;
}

/** The contract's ClaimSearch input: a claim number names its own region, so it goes alone. */
function searchInput(criteria: Criteria): ClaimSearchInput {
  if (criteria.claimNumber) return { claimNumber: criteria.claimNumber };
  return {
    status: criteria.statuses.length ? criteria.statuses : undefined,
    receivedFrom: criteria.receivedFrom || undefined,
    receivedTo: criteria.receivedTo || undefined,
    regions: criteria.region === ALL_REGIONS ? undefined : [criteria.region as RegionCode],
  };
}

export function ClaimSearch({ viewer }: { viewer: ViewerQuery | undefined }) {
  const { params } = useLocation();
  const defaultRegion = viewer?.viewer?.activeRegion?.code ?? ALL_REGIONS;
  const criteria = criteriaFrom(params, defaultRegion);
  const address = addressOf(criteria);
  // The form shows the search in the address until the person edits it; Back or a link shows another.
  const [form, setForm] = useKeyedState<Criteria>(address, criteria);
  const [invalid, setInvalid] = useState<string | null>(null);
  const paging = usePaging(address);

  const [result] = useQuery({
    query: ClaimSearchDocument,
    variables: { search: searchInput(criteria), first: PAGE_SIZE, after: paging.after },
  });
  const claims = result.data?.claims;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const claimNumber = form.claimNumber.trim().toUpperCase();
    if (claimNumber && !/^[A-Z]{2,4}\d{10}$/.test(claimNumber)) {
      setInvalid("A claim number is the region’s code followed by ten digits, e.g. SCAL0000000001.");
      return;
    }
    if (form.receivedFrom && form.receivedTo && form.receivedFrom > form.receivedTo) {
      setInvalid("The “Received from” date must not be after the “Received to” date.");
      return;
    }
    setInvalid(null);
    navigate(addressOf({ ...form, claimNumber }));
  };

  const approved = viewer?.viewer?.approvedRegions ?? [];
  return (
    <Page title="Claims" wide>
      <form className="card search-form" onSubmit={submit} noValidate aria-label="Claims search">
        <div className="search-grid">
          <TextField
            label="Claim ID"
            hint="The KP-assigned claim number"
            name="claimNumber"
            value={form.claimNumber}
            onChange={(event) => setForm({ ...form, claimNumber: event.target.value })}
            error={invalid?.startsWith("A claim number") ? invalid : null}
            autoComplete="off"
          />
          <SelectField
            label="Region"
            value={form.region}
            onChange={(event) => setForm({ ...form, region: event.target.value })}
            hint="Ignored when you enter a claim number"
          >
            <option value={ALL_REGIONS}>All my regions</option>
            {approved.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Received from"
            type="date"
            value={form.receivedFrom}
            onChange={(event) => setForm({ ...form, receivedFrom: event.target.value })}
          />
          <TextField
            label="Received to"
            type="date"
            value={form.receivedTo}
            error={invalid && !invalid.startsWith("A claim number") ? invalid : null}
            onChange={(event) => setForm({ ...form, receivedTo: event.target.value })}
          />
        </div>
        <fieldset className="status-filter">
          <legend>Status</legend>
          {STATUSES.map((status) => (
            <label key={status} className="checkbox">
              <input
                type="checkbox"
                checked={form.statuses.includes(status)}
                onChange={(event) =>
                  setForm({
                    ...form,
                    statuses: event.target.checked
                      ? [...form.statuses, status]
                      : form.statuses.filter((chosen) => chosen !== status),
                  })
                }
              />
              {CLAIM_STATUS_LABELS[status]}
            </label>
          ))}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button-primary">
            Search
          </button>
          <button type="button" className="button-secondary" onClick={() => navigate(`/claims?region=${defaultRegion}`)}>
            Clear
          </button>
        </div>
      </form>

      <RequestError error={result.error} />
      <section aria-labelledby="results-heading" aria-busy={result.fetching}>
        <h2 id="results-heading" className="results-heading" aria-live="polite">
          {claims ? `${claims.totalCount.toLocaleString("en-US")} ${claims.totalCount === 1 ? "claim" : "claims"} found` : "Searching…"}
        </h2>
        {claims && claims.edges.length > 0 ? (
          <div className="table-scroll">
            <table className="results">
              <caption className="visually-hidden">
                Claims, page {paging.page} of {pageCount(claims, PAGE_SIZE)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Claim #</th>
                  <th scope="col">Region</th>
                  <th scope="col">Member</th>
                  <th scope="col" className="wide-only">
                    Service date
                  </th>
                  <th scope="col">Received</th>
                  <th scope="col" className="number">
                    Billed
                  </th>
                  <th scope="col" className="number wide-only">
                    Paid
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {claims.edges.map(({ node: claim }) => (
                  <tr key={claim.id}>
                    <th scope="row">
                      <Link to={`/claims/${encodeURIComponent(claim.id)}`}>{claim.claimNumber}</Link>
                    </th>
                    <td>{claim.region.code}</td>
                    <td>
                      {claim.member.firstName} {claim.member.lastName}
                      <span className="secondary"> {claim.member.memberId}</span>
                    </td>
                    <td className="wide-only">{date(claim.serviceFrom)}</td>
                    <td>{date(claim.receivedOn)}</td>
                    <td className="number">{money(claim.billedAmount)}</td>
                    <td className="number wide-only">{money(claim.paidAmount)}</td>
                    <td>
                      <span className={`status status-${claim.status.toLowerCase()}`}>
                        {CLAIM_STATUS_LABELS[claim.status]}
                      </span>{" "}
                      <span className="secondary wide-only">{claim.statusCategory}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {claims?.edges.length === 0 ? (
          <p>No claims match this search. Check the claim number, or widen the dates or statuses.</p>
        ) : null}
        {claims ? <Pager paging={paging} connection={claims} pageSize={PAGE_SIZE} label="Claims pages" /> : null}
      </section>
    </Page>
  );
}
