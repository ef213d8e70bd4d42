// Sign-On › Password reset (seed 002, question 3): a code is emailed, then a new password that fits the
// guidelines ("If your new password does not fit the guidelines, you will receive an error message").
import { type FormEvent, useState } from "react";
import { useMutation } from "urql";

import { RequestPasswordResetDocument, ResetPasswordDocument } from "../../graphql/generated/graphql";
import { Link } from "../../router";
import { Alert, Page, RequestError, TextField, UserErrors, fieldError } from "../../ui";

export function PasswordReset() {
  const [userId, setUserId] = useState("");
  const [email, setEmail] = useState("");
  const [token, setToken] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [requested, request] = useMutation(RequestPasswordResetDocument);
  const [reset, resetPassword] = useMutation(ResetPasswordDocument);
  const sent = requested.data?.requestPasswordReset.accepted ?? false;
  const requestErrors = requested.data?.requestPasswordReset.userErrors ?? [];
  const resetErrors = reset.data?.resetPassword.userErrors ?? [];

  const ask = (event: FormEvent) => {
    event.preventDefault();
    void request({ input: { userId: userId.trim(), email: email.trim() } });
  };
  const change = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(newPassword !== confirm);
    if (newPassword !== confirm) return;
    void resetPassword({ input: { token: token.trim(), newPassword } });
  };

  if (reset.data?.resetPassword.changed) {
    return (
      <Page title="Password reset">
        <Alert kind="success">
          <p>
            Your password has been changed. <Link to="/sign-on">Sign on</Link> with your new password.
          </p>
        </Alert>
      </Page>
    );
  }
  return (
    <Page title="Password reset">
      <div className="two-columns">
        <form onSubmit={ask} noValidate className="card" aria-labelledby="reset-step-1">
          <h2 id="reset-step-1">1. Get a reset code</h2>
          <RequestError error={requested.error} />
          <UserErrors errors={requestErrors} />
          {sent ? (
            <Alert kind="success">
              <p>If the User ID and email address belong together, a reset code is on its way to that address.</p>
            </Alert>
          ) : null}
          <TextField
            label="User ID"
            autoComplete="username"
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            required
          />
          <TextField
            label="Email address"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
          />
          <button type="submit" className="button-secondary" disabled={requested.fetching}>
            Email me a reset code
          </button>
        </form>
        <form onSubmit={change} noValidate className="card" aria-labelledby="reset-step-2">
          <h2 id="reset-step-2">2. Choose a new password</h2>
          <RequestError error={reset.error} />
          <UserErrors
            errors={resetErrors.filter((error) => !["newPassword", "token"].includes(error.field?.at(-1) ?? ""))}
          />
          <TextField
            label="Reset code"
            autoComplete="one-time-code"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            error={fieldError(resetErrors, "token")}
            required
          />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(event) => setNewPassword(event.target.value)}
            error={fieldError(resetErrors, "newPassword")}
            required
          />
          <TextField
            label="Confirm new password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
            error={mismatch ? "The two passwords are not the same." : null}
            required
          />
          <button type="submit" className="button-primary" disabled={reset.fetching}>
            Reset password
          </button>
        </form>
      </div>
      <p>
        <Link to="/sign-on">Back to Sign-On</Link>
      </p>
    </Page>
  );
}
