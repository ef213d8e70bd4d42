// The claim page (seed 004, step 4): status, X12 category, amounts and payment, the claim's messages, and
// the Take Action icon with its three choices.
import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "urql";

import { type ClaimAction, ClaimDetailDocument, type ClaimDetailQuery } from "../../graphql/generated/graphql";
import { Link } from "../../router";
import {
  Alert,
  CLAIM_STATUS_LABELS,
  FOLDER_LABELS,
  MESSAGE_KIND_LABELS,
  PLAN_LABELS,
  Page,
  RFI_SUBTOPICS,
  RequestError,
  date,
  dateTime,
  fileSize,
  money,
  statusCategoryLabel,
} from "../../ui";
import { AttachmentLink } from "./AttachmentLink";
import { ACTION_TITLES, type Sent, TakeActionForm } from "./TakeAction";

const ACTIONS: ClaimAction[] = ["SUBMIT_SUPPORTING_DOCUMENTATION", "RESPOND_TO_REQUEST_FOR_INFORMATION", "FILE_DISPUTE"];

function TakeActionMenu({ available, onChoose }: { available: ClaimAction[]; onChoose: (action: ClaimAction) => void }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const first = useRef<HTMLButtonElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div className="take-action-menu">
      <button
        type="button"
        ref={toggle}
        className="button-primary"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" width="16" height="16" focusable="false">
          <path d="M3 10h14M10 3v14" stroke="currentColor" strokeWidth="2.5" />
        </svg>{" "}
        Take Action
      </button>
      {open ? (
        <ul
          id={menuId}
          className="menu"
          onKeyDown={(event) => {
            if (event.key === "Escape") close();
          }}
        >
          {ACTIONS.map((action, index) => {
            const offered = available.includes(action);
            return (
              <li key={action}>
                <button
                  type="button"
                  ref={index === 0 ? first : undefined}
                  disabled={!offered}
                  onClick={() => {
                    setOpen(false);
                    onChoose(action);
                  }}
                >
                  {ACTION_TITLES[action]}
                  {!offered ? <span className="secondary"> — available once the claim is finalized</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** Eligibility & Benefits for the claim's member on its service date (their date of birth only where it is
    shown: administrative access types it in). */
function eligibilityLink(claim: Extract<NonNullable<ClaimDetailQuery["node"]>, { __typename: "Claim" }>): string {
  const keys = new URLSearchParams({
    region: claim.region.code,
    memberId: claim.member.memberId,
    dateOfService: claim.serviceFrom,
  });
  if (claim.member.dateOfBirth) keys.set("dateOfBirth", claim.member.dateOfBirth);
  return `/eligibility?${keys.toString()}`;
}

export function ClaimPage({ id }: { id: string }) {
  const [result, refetch] = useQuery({
    query: ClaimDetailDocument,
    variables: { id },
  });
  const [action, setAction] = useState<ClaimAction | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const confirmation = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sent) confirmation.current?.focus();
  }, [sent]);

  const node = result.data?.node;
  const claim = node?.__typename === "Claim" ? node : null;
  if (!claim) {
    return (
      <Page title={result.fetching ? "Claim" : "Claim not found"}>
        <RequestError error={result.error} />
        {!result.fetching ? (
          <p>
            There is no claim at this address that you may see. <Link to="/claims">Search claims</Link>.
          </p>
        ) : (
          <p role="status">Loading the claim…</p>
        )}
      </Page>
    );
  }

  const payment = claim.payment;
  return (
    <Page title={`Claim ${claim.claimNumber}`} wide>
      <p className="breadcrumbs">
        <Link to="/claims">Claims</Link> › {claim.claimNumber}
      </p>
      <RequestError error={result.error} />
      {sent?.payload.confirmation ? (
        <div ref={confirmation} tabIndex={-1} className="confirmation">
          <Alert kind="success">
            <p>
              <strong>{sent.payload.confirmation}</strong>
            </p>
            {sent.payload.message?.attachments.length ? (
              <p>
                Attached: {sent.payload.message.attachments.map((a) => `${a.filename} (${fileSize(a.sizeBytes)})`).join(", ")}
              </p>
            ) : null}
            {sent.payload.acknowledgement ? (
              <p>
                An acknowledgement letter for your records is in{" "}
                <Link to="/messages?folder=CUSTOMER_SERVICE_REPLY">My Messages › Customer Service Reply</Link>.
              </p>
            ) : null}
          </Alert>
        </div>
      ) : null}

      <div className="claim-header">
        <div>
          <p className="claim-status">
            <span className={`status status-${claim.status.toLowerCase()}`}>{CLAIM_STATUS_LABELS[claim.status]}</span>
            <span className="secondary"> {statusCategoryLabel(claim.statusCategory)}</span>
          </p>
          {claim.statusDetail ? <p>{claim.statusDetail}</p> : null}
        </div>
        <TakeActionMenu
          available={claim.availableActions}
          onChoose={(chosen) => {
            setSent(null);
            setAction(chosen);
          }}
        />
      </div>

      <div className="claim-grid">
        <section className="card" aria-labelledby="claim-facts">
          <h2 id="claim-facts">Claim</h2>
          <dl className="facts">
            <dt>Claim number</dt>
            <dd>{claim.claimNumber}</dd>
            <dt>Region</dt>
            <dd>{claim.region.name}</dd>
            <dt>Provider (Tax ID)</dt>
            <dd>
              {claim.entity.name} ({claim.entity.taxId})
            </dd>
            <dt>Billing provider</dt>
            <dd>
              {claim.billingProvider.name}, NPI {claim.billingProvider.npi}
            </dd>
            <dt>Service dates</dt>
            <dd>
              {date(claim.serviceFrom)} – {date(claim.serviceTo)}
            </dd>
            <dt>Received</dt>
            <dd>{date(claim.receivedOn)}</dd>
            <dt>Status category (X12)</dt>
            <dd>{statusCategoryLabel(claim.statusCategory)}</dd>
            {claim.diagnosisCodes ? (
              <>
                <dt>Diagnosis codes</dt>
                <dd>{claim.diagnosisCodes.join(", ")}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="card" aria-labelledby="claim-member">
          <h2 id="claim-member">Member</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>
              {claim.member.firstName} {claim.member.lastName}
            </dd>
            <dt>Member ID</dt>
            <dd>{claim.member.memberId}</dd>
            {claim.member.dateOfBirth ? (
              <>
                <dt>Date of birth</dt>
                <dd>{date(claim.member.dateOfBirth)}</dd>
              </>
            ) : null}
            <dt>Plan</dt>
            <dd>{PLAN_LABELS[claim.member.planType]}</dd>
          </dl>
          <p>
            <Link to={eligibilityLink(claim)}>Eligibility and benefits on {date(claim.serviceFrom)}</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="claim-amounts">
          <h2 id="claim-amounts">Amounts</h2>
          <dl className="facts amounts">
            <dt>Billed</dt>
            <dd>{money(claim.billedAmount)}</dd>
            <dt>Allowed</dt>
            <dd>{money(claim.allowedAmount)}</dd>
            <dt>Paid</dt>
            <dd>{money(claim.paidAmount)}</dd>
            <dt>Patient responsibility</dt>
            <dd>{money(claim.patientResponsibility)}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="claim-payment">
          <h2 id="claim-payment">Payment</h2>
          {payment ? (
            <dl className="facts">
              <dt>Paid to (vendor)</dt>
              <dd>{payment.vendor}</dd>
              <dt>Method</dt>
              <dd>{payment.method === "EFT" ? "EFT" : "Check"}</dd>
              <dt>{payment.method === "EFT" ? "EFT trace number" : "Check number"}</dt>
              <dd>{payment.reference}</dd>
              <dt>Amount</dt>
              <dd>{money(payment.amount)}</dd>
              <dt>Paid on</dt>
              <dd>{date(payment.paidOn)}</dd>
            </dl>
          ) : (
            <p>No payment has been issued for this claim.</p>
          )}
        </section>
      </div>

      <section aria-labelledby="claim-messages" className="card">
        <h2 id="claim-messages">Messages about this claim ({claim.messages.totalCount})</h2>
        {claim.messages.edges.length === 0 ? (
          <p>No messages yet. Use Take Action to send one.</p>
        ) : (
          <div className="table-scroll">
            <table className="results">
              <thead>
                <tr>
                  <th scope="col">Sent</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Folder</th>
                  <th scope="col">Attachments</th>
                </tr>
              </thead>
              <tbody>
                {claim.messages.edges.map(({ node: message }) => (
                  <tr key={message.id}>
                    <td>{dateTime(message.sentAt)}</td>
                    <td>
                      {MESSAGE_KIND_LABELS[message.kind]}
                      {message.subtopic ? (
                        <span className="secondary">
                          {" "}
                          · {RFI_SUBTOPICS.find((option) => option.value === message.subtopic)?.label}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {message.subject}
                      {message.onBehalfOf ? (
                        <span className="secondary"> · on behalf of {message.onBehalfOf.name}</span>
                      ) : null}
                      {message.crmId ? <span className="secondary"> · CRM ID {message.crmId}</span> : null}
                    </td>
                    <td>{FOLDER_LABELS[message.folder]}</td>
                    <td>
                      {message.attachments.length === 0
                        ? "—"
                        : message.attachments.map((attachment) => (
                            <AttachmentLink key={attachment.id} attachment={attachment} />
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="claim-contacts" className="contacts">
        <h2 id="claim-contacts">Questions about this claim’s region</h2>
        <p>
          Technical support: {claim.region.contacts.technicalSupportPhone}. Registration help and password reset:{" "}
          <a href={`mailto:${claim.region.contacts.registrationHelpEmail}`}>{claim.region.contacts.registrationHelpEmail}</a>.
          Training and navigation help:{" "}
          <a href={`mailto:${claim.region.contacts.trainingHelpEmail}`}>{claim.region.contacts.trainingHelpEmail}</a>.
        </p>
      </section>

      {action ? (
        <TakeActionForm
          key={action}
          claim={claim}
          action={action}
          onClose={() => setAction(null)}
          onSent={(done) => {
            setAction(null);
            setSent(done);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
    </Page>
  );
}
