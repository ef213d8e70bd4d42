// Regional representatives: association requests of their region, approved or denied with a reason.
import { useState } from "react";
import { useMutation, useQuery } from "urql";

import {
  DecideAssociationDocument,
  PendingAssociationsDocument,
  type PendingAssociationsQuery,
} from "../../graphql/generated/graphql";
import { Alert, Dialog, Page, RequestError, TextArea, UserErrors, date } from "../../ui";

type PendingAssociation = PendingAssociationsQuery["pendingAssociations"]["edges"][number]["node"];

export function PendingRequests() {
  const [result, refetch] = useQuery({
    query: PendingAssociationsDocument,
    variables: { first: 50, after: null },
  });
  const [decision, decide] = useMutation(DecideAssociationDocument);
  const [denying, setDenying] = useState<PendingAssociation | null>(null);
  const [reason, setReason] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const pending = result.data?.pendingAssociations;

  const answer = async (request: PendingAssociation, approve: boolean) => {
    const outcome = await decide({ input: { associationId: request.id, approve, reason: approve ? null : reason.trim() } });
    if (outcome.data?.decideAssociation.userErrors.length === 0) {
      setNotice(`${request.user.userId}’s request for ${request.entity.taxId} in ${request.region.name} was ${approve ? "approved" : "denied"}.`);
      setDenying(null);
      setReason("");
      refetch({ requestPolicy: "network-only" });
    }
  };

  return (
    <Page title="Association requests" wide>
      {notice ? (
        <Alert kind="success">
          <p>{notice}</p>
        </Alert>
      ) : null}
      <RequestError error={result.error} />
      <UserErrors errors={decision.data?.decideAssociation.userErrors ?? []} />
      {pending?.edges.length === 0 ? <p>No association requests are waiting for a decision.</p> : null}
      {pending && pending.edges.length > 0 ? (
        <div className="table-scroll">
          <table className="results">
            <caption className="visually-hidden">Association requests waiting for a decision</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Organization</th>
                <th scope="col">Provider (Tax ID)</th>
                <th scope="col">Region</th>
                <th scope="col">Access</th>
                <th scope="col">Requested</th>
                <th scope="col">
                  <span className="visually-hidden">Decision</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.edges.map(({ node: request }) => (
                <tr key={request.id}>
                  <th scope="row">
                    {request.user.profile.firstName} {request.user.profile.lastName}
                    <span className="secondary"> {request.user.userId}</span>
                  </th>
                  <td>{request.user.profile.work.organization}</td>
                  <td>
                    {request.entity.name} ({request.entity.taxId})
                  </td>
                  <td>{request.region.name}</td>
                  <td>{request.access === "CLINICAL" ? "Clinical" : "Administrative"}</td>
                  <td>{date(request.requestedAt.slice(0, 10))}</td>
                  <td className="button-cell">
                    <button type="button" className="button-primary" disabled={decision.fetching} onClick={() => void answer(request, true)}>
                      Approve<span className="visually-hidden"> {request.user.userId}</span>
                    </button>{" "}
                    <button type="button" className="button-secondary" onClick={() => setDenying(request)}>
                      Deny<span className="visually-hidden"> {request.user.userId}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog open={denying !== null} title="Deny this request?" onClose={() => setDenying(null)}>
        {denying ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void answer(denying, false);
            }}
          >
            <p>
              {denying.user.userId} asked for {denying.entity.name} ({denying.entity.taxId}) in {denying.region.name}.
            </p>
            <TextArea label="Reason" value={reason} onChange={(event) => setReason(event.target.value)} required rows={3} />
            <div className="button-row">
              <button type="button" className="button-secondary" onClick={() => setDenying(null)}>
                Cancel
              </button>
              <button type="submit" className="button-danger" disabled={!reason.trim() || decision.fetching}>
                Deny request
              </button>
            </div>
          </form>
        ) : null}
      </Dialog>
    </Page>
  );
}
