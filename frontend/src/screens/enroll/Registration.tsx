// New User Registration (the Online Provider Tools page, step 2): the person, their password (rules shown up front) and a first
// Tax ID association; they then sign on to finish in Manage My Account while a representative decides.
import { type FormEvent } from "react";
import { useMutation } from "urql";

import { type RegionCode, RegisterUserDocument, type UserKind } from "../../graphql/generated/graphql";

import { Link } from "../../router";
import { Alert, Page, RequestError, SelectField, TextField, UserErrors, fieldError } from "../../ui";
import { PASSWORD_RULES, REGIONS, useFields } from "./forms";

export function RegistrationPage() {
  const { values, set } = useFields({
    userId: "",
    password: "",
    kind: "PROVIDER_STAFF",
    firstName: "",
    lastName: "",
    email: "",
    organization: "",
    employerTaxId: "",
    taxId: "",
    region: "SCAL",
  });
  const [result, register] = useMutation(RegisterUserDocument);
  const errors = result.data?.registerUser.userErrors ?? [];
  const registered = result.data?.registerUser.user;
  const tpa = values.kind === "THIRD_PARTY_ADMINISTRATOR";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void register({
      input: {
        userId: values.userId,
        password: values.password,
        kind: values.kind as UserKind,
        profile: {
          firstName: values.firstName,
          lastName: values.lastName,
          email: values.email,
          organization: values.organization,
        },
        associations: [{ taxId: values.taxId, region: values.region as RegionCode }],
        employerTaxId: tpa ? values.employerTaxId : null,
      },
    });
  };

  if (registered) {
    return (
      <Page title="New User Registration">
        <Alert kind="success">
          <p>
            You are registered as {registered.userId}. <Link to="/sign-on">Sign on</Link> to finish setting up your
            account in Manage My Account. You will receive an email when your access has been completed.
          </p>
        </Alert>
      </Page>
    );
  }
  return (
    <Page title="New User Registration">
      <form className="card narrow" onSubmit={submit} noValidate>
        <RequestError error={result.error} />
        <TextField label="User ID" value={values.userId} onChange={set("userId")} error={fieldError(errors, "userId")} autoComplete="username" required />
        <TextField label="Password" type="password" hint={PASSWORD_RULES} value={values.password} onChange={set("password")} error={fieldError(errors, "password")} autoComplete="new-password" required />
        <SelectField label="You work for" value={values.kind} onChange={set("kind")} required>
          <option value="PROVIDER_STAFF">A provider office</option>
          <option value="THIRD_PARTY_ADMINISTRATOR">A billing company (third-party administrator)</option>
        </SelectField>
        <TextField label="First name" value={values.firstName} onChange={set("firstName")} error={fieldError(errors, "firstName")} autoComplete="given-name" required />
        <TextField label="Last name" value={values.lastName} onChange={set("lastName")} error={fieldError(errors, "lastName")} autoComplete="family-name" required />
        <TextField label="Email" type="email" value={values.email} onChange={set("email")} error={fieldError(errors, "email")} autoComplete="email" required />
        <TextField label="Organization" value={values.organization} onChange={set("organization")} error={fieldError(errors, "organization")} autoComplete="organization" required />
        {tpa ? (
          <TextField label="Your company’s Tax ID" value={values.employerTaxId} onChange={set("employerTaxId")} error={fieldError(errors, "employerTaxId")} required />
        ) : null}
        <fieldset>
          <legend>Access to ask for</legend>
          <TextField label="Provider’s Tax ID" hint="Nine digits, e.g. 95-1000001" value={values.taxId} onChange={set("taxId")} error={fieldError(errors, "taxId")} required />
          <SelectField label="Region" value={values.region} onChange={set("region")} error={fieldError(errors, "region")} required>
            {REGIONS.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name}
              </option>
            ))}
          </SelectField>
        </fieldset>
        <UserErrors errors={errors.filter((error) => !["userId", "password", "firstName", "lastName", "email", "organization", "employerTaxId", "taxId", "region"].includes(error.field?.at(-1) ?? ""))} />
        <button type="submit" className="button-primary" disabled={result.fetching}>
          Register
        </button>
      </form>
    </Page>
  );
}
