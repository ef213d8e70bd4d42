// Manage My Account › Provider associations and access (seeds 000 and 002): each Tax ID association with
// its status and access level, Remove beside an active one, and a request for a new Tax ID or region.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";

import {
  type AssociationSummaryFragment as Association,
  AssociationsDocument,
  type RegionCode,
  RemoveAssociationDocument,
  RequestAssociationDocument,
  type ViewerQuery,
} from "../../graphql/generated/graphql";
import { Alert, Dialog, RequestError, SelectField, TextField, UserErrors, date, fieldError } from "../../ui";

const STATUS_LABELS = { PENDING: "Pending", ACTIVE: "Active", DENIED: "Denied", REMOVED: "Removed" } as const;
const ACCESS_LABELS = { CLINICAL: "Clinical", ADMINISTRATIVE: "Administrative (no clinical data)" } as const;

export function Associations({ viewer }: { viewer: ViewerQuery | undefined }) {
  const [result, refetch] = useQuery({ query: AssociationsDocument });
  const [removing, setRemoving] = useState<Association | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removal, remove] = useMutation(RemoveAssociationDocument);
  const [request, requestAssociation] = useMutation(RequestAssociationDocument);
  const [taxId, setTaxId] = useState("");
  const [region, setRegion] = useState<RegionCode | "">("");
  const [missing, setMissing] = useState(false);

  const associations = result.data?.viewer?.user.associations ?? [];
  const requestErrors = request.data?.requestAssociation.userErrors ?? [];
  const removalErrors = removal.data?.removeAssociation.userErrors ?? [];

  const confirmRemoval = async () => {
    if (!removing) return;
    const answer = await remove({ input: { associationId: removing.id } });
    if (answer.data?.removeAssociation.association) {
      setNotice(
        `Your association with ${removing.entity.name} (${removing.entity.taxId}) in ${removing.region.name} was removed.`,
      );
      setRemoving(null);
      refetch({ requestPolicy: "network-only" });
    }
  };

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    setMissing(!taxId.trim() || !region);
    if (!taxId.trim() || !region) return;
    const answer = await requestAssociation({ input: { taxId: taxId.trim(), region } });
    const association = answer.data?.requestAssociation.association;
    if (association) {
      setNotice(
        `Your request for ${association.entity.name} (${association.entity.taxId}) in ${association.region.name} was sent. It stays pending until your regional representative decides.`,
      );
      setTaxId("");
      setRegion("");
      refetch({ requestPolicy: "network-only" });
    }
  };

  return (
    <section aria-labelledby="associations-heading">
      <h2 id="associations-heading">Provider associations and access</h2>
      {notice ? (
        <Alert kind="success">
          <p>{notice}</p>
        </Alert>
      ) : null}
      <RequestError error={result.error} />
      {associations.length === 0 && !result.fetching ? <p>You have no provider Tax ID associations yet.</p> : null}
      {associations.length > 0 ? (
        <div className="table-scroll">
          <table className="results">
            <caption className="visually-hidden">Your provider Tax ID associations</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Tax ID</th>
                <th scope="col">Region</th>
                <th scope="col">Access level</th>
                <th scope="col">Status</th>
                <th scope="col">Requested</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {associations.map((association) => (
                <tr key={association.id}>
                  <th scope="row">{association.entity.name}</th>
                  <td>{association.entity.taxId}</td>
                  <td>{association.region.name}</td>
                  <td>{ACCESS_LABELS[association.access]}</td>
                  <td>
                    <span className={`status association-${association.status.toLowerCase()}`}>
                      {STATUS_LABELS[association.status]}
                    </span>
                    {association.decisionReason ? (
                      <span className="secondary"> · {association.decisionReason}</span>
                    ) : null}
                  </td>
                  <td>{date(association.requestedAt.slice(0, 10))}</td>
                  <td>
                    {association.status === "ACTIVE" || association.status === "PENDING" ? (
                      <button type="button" className="button-secondary" onClick={() => setRemoving(association)}>
                        Remove
                        <span className="visually-hidden">
                          {" "}
                          {association.entity.name} in {association.region.name}
                        </span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <form onSubmit={(event) => void ask(event)} noValidate className="card narrow" aria-labelledby="new-association">
        <h3 id="new-association">Request a new Tax ID association or region</h3>
        <p className="hint">
          Please make sure your group has a provider entity agreement on file before you add a new Tax ID or region.
        </p>
        <RequestError error={request.error} />
        {missing ? (
          <Alert kind="error">
            <p>Enter the Tax ID and choose the region.</p>
          </Alert>
        ) : null}
        <UserErrors errors={requestErrors.filter((error) => !["taxId", "region"].includes(error.field?.at(-1) ?? ""))} />
        <TextField
          label="Tax ID"
          hint="Nine digits, e.g. 95-1000001"
          inputMode="numeric"
          value={taxId}
          onChange={(event) => setTaxId(event.target.value)}
          error={fieldError(requestErrors, "taxId")}
          required
        />
        <SelectField
          label="Region"
          value={region}
          onChange={(event) => setRegion(event.target.value as RegionCode)}
          error={fieldError(requestErrors, "region")}
          required
        >
          <option value="">Choose a region</option>
          {(viewer?.regions ?? []).map((candidate) => (
            <option key={candidate.code} value={candidate.code}>
              {candidate.name}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button-primary" disabled={request.fetching}>
          Request association
        </button>
      </form>

      <Dialog open={removing !== null} title="Remove this association?" onClose={() => setRemoving(null)}>
        {removing ? (
          <>
            <p>
              Remove your association with <strong>{removing.entity.name}</strong> ({removing.entity.taxId}) in{" "}
              {removing.region.name}? You lose access to its claims and messages in that region at once.
            </p>
            <RequestError error={removal.error} />
            <UserErrors errors={removalErrors} />
            <div className="button-row">
              <button type="button" className="button-secondary" onClick={() => setRemoving(null)}>
                Keep it
              </button>
              <button type="button" className="button-danger" disabled={removal.fetching} onClick={() => void confirmRemoval()}>
                Remove
              </button>
            </div>
          </>
        ) : null}
      </Dialog>
    </section>
  );
}
