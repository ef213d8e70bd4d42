// The regional representative's landing page: agreements and TPA attestations to process, and the support
// cases of their region to answer; association requests stay on their own page.
import { useState } from "react";
import { useMutation, useQuery } from "urql";

import { ProcessEnrollmentAgreementDocument, ProcessTpaAttestationDocument, ReplyToSupportCaseDocument, RepresentativeQueueDocument } from "../../graphql/generated/graphql";

import { Link } from "../../router";
import { Alert, Page, RequestError, TextArea, UserErrors, date } from "../../ui";


export function WorkQueue() {
  const [result, refetch] = useQuery({ query: RepresentativeQueueDocument, requestPolicy: "cache-and-network" });
  const [agreement, processAgreement] = useMutation(ProcessEnrollmentAgreementDocument);
  const [attestation, processAttestation] = useMutation(ProcessTpaAttestationDocument);
  const [replied, reply] = useMutation(ReplyToSupportCaseDocument);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const queue = result.data?.representativeQueue;
  const errors = [
    ...(agreement.data?.processEnrollmentAgreement.userErrors ?? []),
    ...(attestation.data?.processTpaAttestation.userErrors ?? []),
    ...(replied.data?.replyToSupportCase.userErrors ?? []),
  ];

  const done = (ok: boolean, message: string) => {
    if (!ok) return;
    setNotice(message);
    refetch({ requestPolicy: "network-only" });
  };

  return (
    <Page title="Work queue" wide>
      {notice ? (
        <Alert kind="success">
          <p>{notice}</p>
        </Alert>
      ) : null}
      <RequestError error={result.error} />
      <UserErrors errors={errors} />
      <p>
        Association requests of your region are on <Link to="/requests">Association requests</Link>.
      </p>
      <section aria-labelledby="agreements-heading">
        <h2 id="agreements-heading">Enrollment agreements to process</h2>
        {queue?.enrollmentAgreements.length === 0 ? <p>No agreement is waiting.</p> : null}
        <ul className="queue">
          {queue?.enrollmentAgreements.map((entity) => (
            <li key={entity.id} className="card">
              <p>
                <strong>{entity.name}</strong> (Tax ID {entity.taxId}), signed by {entity.agreement?.signatoryName},{" "}
                {entity.agreement?.signatoryTitle} on {date(entity.agreement?.submittedAt)}
              </p>
              {[true, false].map((accept) => (
                <button
                  key={String(accept)}
                  type="button"
                  className={accept ? "button-primary" : "button-secondary"}
                  disabled={agreement.fetching}
                  onClick={() =>
                    void processAgreement({ input: { taxId: entity.taxId, accept } }).then((answer) =>
                      done(answer.data?.processEnrollmentAgreement.userErrors.length === 0, `${entity.name}’s agreement was ${accept ? "processed" : "rejected"}.`),
                    )
                  }
                >
                  {accept ? "Process" : "Reject"}
                  <span className="visually-hidden"> the agreement of {entity.name}</span>
                </button>
              ))}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="attestations-heading">
        <h2 id="attestations-heading">TPA attestations to process</h2>
        {queue?.tpaAttestations.length === 0 ? <p>No attestation is waiting.</p> : null}
        <ul className="queue">
          {queue?.tpaAttestations.map((item) => (
            <li key={item.id} className="card">
              <p>
                <strong>{item.group.name}</strong> (Tax ID {item.group.taxId}) authorizes <strong>{item.tpa.name}</strong>{" "}
                (Tax ID {item.tpa.taxId}); signed by {item.signatoryName}, {item.signatoryTitle} on {date(item.submittedAt)}
              </p>
              {[true, false].map((accept) => (
                <button
                  key={String(accept)}
                  type="button"
                  className={accept ? "button-primary" : "button-secondary"}
                  disabled={attestation.fetching}
                  onClick={() =>
                    void processAttestation({ input: { attestationId: item.id, accept } }).then((answer) =>
                      done(answer.data?.processTpaAttestation.userErrors.length === 0, `${item.group.name}’s attestation for ${item.tpa.name} was ${accept ? "processed" : "rejected"}.`),
                    )
                  }
                >
                  {accept ? "Process" : "Reject"}
                  <span className="visually-hidden"> the attestation of {item.group.name}</span>
                </button>
              ))}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="cases-heading">
        <h2 id="cases-heading">Support cases to answer</h2>
        {queue?.supportCases.length === 0 ? <p>No support case is waiting.</p> : null}
        <ul className="queue">
          {queue?.supportCases.map((item) => (
            <li key={item.id} className="card">
              <p>
                <strong>{item.caseNumber}</strong>, opened {date(item.openedAt)}: {item.description}
              </p>
              <TextArea
                label={`Answer to ${item.caseNumber}`}
                value={answers[item.id] ?? ""}
                onChange={(event) => setAnswers((current) => ({ ...current, [item.id]: event.target.value }))}
              />
              <button
                type="button"
                className="button-primary"
                disabled={replied.fetching}
                onClick={() =>
                  void reply({ input: { supportCaseId: item.id, body: answers[item.id] ?? "", close: false } }).then((answer) =>
                    done(answer.data?.replyToSupportCase.userErrors.length === 0, `Your answer to ${item.caseNumber} was sent; the opener is emailed.`),
                  )
                }
              >
                Send the answer<span className="visually-hidden"> to {item.caseNumber}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
