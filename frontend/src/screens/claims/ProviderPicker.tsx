// File a Dispute › "Submitting on behalf of" (seed 004, steps 10–11): type the provider's name, or search
// the list of providers linked to the Tax ID — which may be very long, so it searches and pages.
import { type FormEvent, useId, useState } from "react";
import { useQuery } from "urql";

import { ClaimProvidersDocument, type ClaimProvidersQuery, type RegionCode } from "../../graphql/generated/graphql";
import { Pager, usePaging } from "../../pager";
import { Alert } from "../../ui";

const PAGE_SIZE = 10;

type Claim = Extract<NonNullable<ClaimProvidersQuery["node"]>, { __typename: "Claim" }>;
export type Provider = Claim["entity"]["providers"]["edges"][number]["node"];

export function ProviderPicker({
  claimId,
  region,
  selected,
  onSelect,
}: {
  claimId: string;
  region: RegionCode;
  selected: Provider | null;
  onSelect: (provider: Provider | null) => void;
}) {
  const searchId = useId();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const paging = usePaging(search);
  const [result] = useQuery({
    query: ClaimProvidersDocument,
    variables: { claimId, region, search: search || null, first: PAGE_SIZE, after: paging.after },
  });
  const node = result.data?.node;
  const providers = node?.__typename === "Claim" ? node.entity.providers : undefined;

  const find = (event: FormEvent) => {
    event.preventDefault();
    setSearch(typed.trim());
  };

  return (
    <fieldset className="picker">
      <legend>Submitting on behalf of (optional)</legend>
      <Alert kind="warning">
        <p>
          Note: this list may be very long, please ensure you select the correct Provider name to allow for proper
          processing of your claim.
        </p>
      </Alert>
      {/* A form inside a form is not allowed: the search runs on Enter in the box or on its button. */}
      <div className="picker-search" role="search">
        <label htmlFor={searchId}>Provider name or NPI</label>
        <div className="input-with-button">
          <input
            id={searchId}
            type="search"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") find(event);
            }}
          />
          <button type="button" className="button-secondary icon-button" onClick={find}>
            <svg aria-hidden="true" viewBox="0 0 20 20" width="16" height="16" focusable="false">
              <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="2" />
              <line x1="12.5" y1="12.5" x2="18" y2="18" stroke="currentColor" strokeWidth="2" />
            </svg>
            <span>Search providers</span>
          </button>
        </div>
      </div>
      <div aria-live="polite" className="picker-count">
        {result.fetching
          ? "Searching providers…"
          : providers
          ? `${providers.totalCount} ${providers.totalCount === 1 ? "provider" : "providers"} linked to Tax ID${search ? ` matching “${search}”` : ""}`
          : "Loading providers…"}
      </div>
      {selected ? (
        <p className="picker-selected">
          Selected: <strong>{selected.name}</strong> (NPI {selected.npi}){" "}
          <button type="button" className="link-button" onClick={() => onSelect(null)}>
            Clear
          </button>
        </p>
      ) : null}
      {providers && providers.edges.length > 0 ? (
        <ul className="picker-list" aria-busy={result.fetching} aria-label="Providers linked to the Tax ID">
          {providers.edges.map(({ node: provider }) => (
            <li key={provider.id}>
              <label className="radio">
                <input
                  type="radio"
                  name="onBehalfOf"
                  value={provider.id}
                  checked={selected?.id === provider.id}
                  onChange={() => onSelect(provider)}
                />
                <span>
                  {provider.name}
                  <span className="secondary">
                    {" "}
                    NPI {provider.npi}
                    {provider.specialty ? ` · ${provider.specialty}` : ""}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {providers?.edges.length === 0 ? <p>No provider matches “{search}”.</p> : null}
      {providers ? (
        <Pager
          paging={paging}
          connection={providers}
          pageSize={PAGE_SIZE}
          label="Provider pages"
          previousLabel="Previous providers"
          nextLabel="More providers"
        />
      ) : null}
    </fieldset>
  );
}
