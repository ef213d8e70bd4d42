// Sign-On › Forgot your User ID (seed 002, question 3): the User IDs are emailed, if there are any.
import { type FormEvent, useState } from "react";
import { useMutation } from "urql";

import { RecoverUserIdDocument } from "../../graphql/generated/graphql";
import { Link } from "../../router";
import { Alert, Page, RequestError, TextField, UserErrors, fieldError } from "../../ui";

export function ForgotUserId() {
  const [email, setEmail] = useState("");
  const [result, recover] = useMutation(RecoverUserIdDocument);
  const payload = result.data?.recoverUserId;
  const errors = payload?.userErrors ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void recover({ input: { email: email.trim() } });
  };

  return (
    <Page title="Forgot your User ID">
      {payload?.accepted ? (
        <Alert kind="success">
          <p>
            If a User ID is registered with {email.trim()}, we have emailed it there. Check your inbox, then{" "}
            <Link to="/sign-on">sign on</Link>.
          </p>
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate className="card narrow">
          <p>Enter the email address of your account. We will email you the User IDs registered with it.</p>
          <RequestError error={result.error} />
          <UserErrors errors={errors.filter((error) => !fieldError([error], "email"))} />
          <TextField
            label="Email address"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={fieldError(errors, "email")}
            required
          />
          <div className="button-row">
            <button type="submit" className="button-primary" disabled={result.fetching}>
              Email my User ID
            </button>
            <Link to="/sign-on">Back to Sign-On</Link>
          </div>
        </form>
      )}
    </Page>
  );
}
