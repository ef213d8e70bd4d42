// The Online Provider Tools page, step 1: "Submit Online Affiliate Enrollment Agreement" (signed by an individual authorized to sign
// legal documents; one per Tax ID), "Submit TPA Enrollment Agreements", and the "TPA Attestation (Must be
// completed by the Provider Group)". No sign-in; a regional representative processes each.
import { type FormEvent } from "react";
import { useMutation } from "urql";

import { SubmitEnrollmentAgreementDocument, SubmitTpaAttestationDocument, type EntityKind, type UserErrorFieldsFragment as UserError } from "../../graphql/generated/graphql";

import { Alert, Page, RequestError, SelectField, TextField, UserErrors, fieldError } from "../../ui";
import { useFields } from "./forms";

function Signatory({ values, set, errors }: { values: Record<"signatoryName" | "signatoryTitle" | "signatoryEmail", string>; set: (name: "signatoryName" | "signatoryTitle" | "signatoryEmail") => (event: { target: { value: string } }) => void; errors: UserError[] }) {
  return (
    <fieldset>
      <legend>Signed by an individual authorized to sign legal documents</legend>
      <TextField label="Signatory’s name" value={values.signatoryName} onChange={set("signatoryName")} error={fieldError(errors, "signatoryName")} autoComplete="name" required />
      <TextField label="Signatory’s title" value={values.signatoryTitle} onChange={set("signatoryTitle")} error={fieldError(errors, "signatoryTitle")} required />
      <TextField label="Signatory’s email" type="email" value={values.signatoryEmail} onChange={set("signatoryEmail")} error={fieldError(errors, "signatoryEmail")} autoComplete="email" required />
    </fieldset>
  );
}

export function AgreementPage({ tpa }: { tpa: boolean }) {
  const { values, set } = useFields({ taxId: "", entityName: "", kind: tpa ? "THIRD_PARTY_ADMINISTRATOR" : "GROUP", signatoryName: "", signatoryTitle: "", signatoryEmail: "" });
  const [result, submit] = useMutation(SubmitEnrollmentAgreementDocument);
  const errors = result.data?.submitEnrollmentAgreement.userErrors ?? [];
  const filed = result.data?.submitEnrollmentAgreement.entity;
  const title = tpa ? "TPA Enrollment Agreement" : "Online Affiliate Enrollment Agreement";
  return (
    <Page title={title}>
      {filed ? (
        <Alert kind="success">
          <p>
            The agreement of {filed.name} (Tax ID {filed.taxId}) is submitted. A regional representative processes it,
            and the signatory is emailed when it is.
          </p>
        </Alert>
      ) : (
        <form className="card narrow" onSubmit={(event: FormEvent) => { event.preventDefault(); void submit({ input: { ...values, kind: values.kind as EntityKind } }); }} noValidate>
          <p>One agreement per Tax ID.</p>
          <RequestError error={result.error} />
          <TextField label="Tax ID" hint="Nine digits, e.g. 95-1000001" value={values.taxId} onChange={set("taxId")} error={fieldError(errors, "taxId")} required />
          <TextField label="Organization’s name" value={values.entityName} onChange={set("entityName")} error={fieldError(errors, "entityName")} autoComplete="organization" required />
          {tpa ? null : (
            <SelectField label="Kind of organization" value={values.kind} onChange={set("kind")} error={fieldError(errors, "kind")} required>
              <option value="GROUP">Provider group</option>
              <option value="INDIVIDUAL_PRACTICE">Individual practice</option>
              <option value="FACILITY">Facility</option>
            </SelectField>
          )}
          <Signatory values={values} set={set} errors={errors} />
          <UserErrors errors={errors.filter((error) => !error.field)} />
          <button type="submit" className="button-primary" disabled={result.fetching}>
            Submit the agreement
          </button>
        </form>
      )}
    </Page>
  );
}

export function TpaAttestationPage() {
  const { values, set } = useFields({ groupTaxId: "", tpaTaxId: "", signatoryName: "", signatoryTitle: "", signatoryEmail: "" });
  const [result, submit] = useMutation(SubmitTpaAttestationDocument);
  const errors = result.data?.submitTpaAttestation.userErrors ?? [];
  const filed = result.data?.submitTpaAttestation.attestation;
  return (
    <Page title="TPA Attestation">
      <p>Completed by the provider group: it authorizes a third-party administrator to see the group’s claims.</p>
      {filed ? (
        <Alert kind="success">
          <p>
            {filed.group.name}’s attestation for {filed.tpa.name} is submitted. Once a regional representative
            processes it, {filed.tpa.name}’s staff may ask for access.
          </p>
        </Alert>
      ) : (
        <form className="card narrow" onSubmit={(event: FormEvent) => { event.preventDefault(); void submit({ input: values }); }} noValidate>
          <RequestError error={result.error} />
          <TextField label="Your group’s Tax ID" hint="The group needs a processed agreement." value={values.groupTaxId} onChange={set("groupTaxId")} error={fieldError(errors, "groupTaxId")} required />
          <TextField label="The third-party administrator’s Tax ID" value={values.tpaTaxId} onChange={set("tpaTaxId")} error={fieldError(errors, "tpaTaxId")} required />
          <Signatory values={values} set={set} errors={errors} />
          <UserErrors errors={errors.filter((error) => !error.field)} />
          <button type="submit" className="button-primary" disabled={result.fetching}>
            Submit the attestation
          </button>
        </form>
      )}
    </Page>
  );
}
