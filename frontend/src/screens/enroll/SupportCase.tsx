// "Unsure if we have an agreement on file?" (the Online Provider Tools page): open a support case, and read it back later with its
// number and the email given, with no sign-in; a consultant's answers appear here.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";

import { OpenSupportCaseDocument, type RegionCode, SupportCaseReadBackDocument, type SupportTopic } from "../../graphql/generated/graphql";

import { Alert, Page, RequestError, SelectField, TextArea, TextField, UserErrors, dateTime, fieldError } from "../../ui";
import { REGIONS, useFields } from "./forms";

const STATUS_LABELS = { OPEN: "Waiting for a consultant", ANSWERED: "Answered", CLOSED: "Closed" } as const;
const TOPICS = [
  ["AGREEMENT_ON_FILE", "Do we have an agreement on file?"],
  ["REGISTRATION", "Registration"],
  ["SIGN_ON", "Signing on"],
  ["TAX_ID_CHANGE", "A Tax ID change"],
  ["THIRD_PARTY_ADMINISTRATOR_ACCESS", "Access for a third-party administrator"],
  ["OTHER", "Something else"],
] as const;

function ReadBack() {
  const { values, set } = useFields({ caseNumber: "", contactEmail: "" });
  const [asked, setAsked] = useState<{ caseNumber: string; contactEmail: string } | null>(null);
  const [result] = useQuery({ query: SupportCaseReadBackDocument,
    variables: asked ?? { caseNumber: "", contactEmail: "" },
    pause: asked === null,
    requestPolicy: "network-only",
  });
  const found = result.data?.supportCase;
  return (
    <section className="card" aria-labelledby="read-back-heading">
      <h2 id="read-back-heading">Check a support case</h2>
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          setAsked({ caseNumber: values.caseNumber.trim(), contactEmail: values.contactEmail.trim() });
        }}
        noValidate
      >
        <TextField label="Case number" hint="For example OA-2026-000123" value={values.caseNumber} onChange={set("caseNumber")} required />
        <TextField label="Contact email" type="email" value={values.contactEmail} onChange={set("contactEmail")} required />
        <button type="submit" className="button-primary">
          Check the case
        </button>
      </form>
      <RequestError error={result.error} />
      {asked && result.data && !found ? (
        <Alert kind="error">
          <p>We found no support case with this number and email address. Check both and try again.</p>
        </Alert>
      ) : null}
      {found ? (
        <div aria-live="polite">
          <h3>
            Case {found.caseNumber}: {STATUS_LABELS[found.caseStatus]}
          </h3>
          <p>{found.description}</p>
          {found.replies.length === 0 ? <p>No answer yet: a consultant will respond.</p> : null}
          {found.replies.map((reply) => (
            <blockquote key={reply.sentAt} className="reply">
              <p>{reply.body}</p>
              <footer>
                {reply.author}, {dateTime(reply.sentAt)}
              </footer>
            </blockquote>
          ))}
        </div>
      ) : null}
    </section>
  );
}

export function SupportCasePage() {
  const { values, set } = useFields({
    region: "SCAL",
    topic: "AGREEMENT_ON_FILE",
    groupName: "",
    taxId: "",
    contactEmail: "",
    description: "",
  });
  const [result, open] = useMutation(OpenSupportCaseDocument);
  const errors = result.data?.openSupportCase.userErrors ?? [];
  const opened = result.data?.openSupportCase.supportCase;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await open({ input: { ...values, region: values.region as RegionCode, topic: values.topic as SupportTopic } });
  };

  return (
    <Page title="Online Affiliate support" wide>
      <div className="two-columns">
        <section className="card" aria-labelledby="open-case-heading">
          <h2 id="open-case-heading">Open a support case</h2>
          <p>Unsure if we have an agreement on file? Ask here: a consultant will respond by email.</p>
          {opened ? (
            <Alert kind="success">
              <p>
                Your case number is <strong>{opened.caseNumber}</strong>. Keep it: with your email address it shows the
                consultant’s answer here.
              </p>
            </Alert>
          ) : (
            <form onSubmit={(event) => void submit(event)} noValidate>
              <RequestError error={result.error} />
              <SelectField label="Region" value={values.region} onChange={set("region")} error={fieldError(errors, "region")} required>
                {REGIONS.map((region) => (
                  <option key={region.code} value={region.code}>
                    {region.name}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Topic" value={values.topic} onChange={set("topic")} required>
                {TOPICS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </SelectField>
              <TextField label="Group name" value={values.groupName} onChange={set("groupName")} error={fieldError(errors, "groupName")} required />
              <TextField label="Tax ID" hint="Nine digits, e.g. 95-1000001" value={values.taxId} onChange={set("taxId")} error={fieldError(errors, "taxId")} required />
              <TextField label="Contact email" type="email" value={values.contactEmail} onChange={set("contactEmail")} error={fieldError(errors, "contactEmail")} required />
              <TextArea label="Your question" value={values.description} onChange={set("description")} error={fieldError(errors, "description")} required />
              <UserErrors errors={errors.filter((error) => !error.field)} />
              <button type="submit" className="button-primary" disabled={result.fetching}>
                Open the case
              </button>
            </form>
          )}
        </section>
        <ReadBack />
      </div>
    </Page>
  );
}
