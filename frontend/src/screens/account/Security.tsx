// Manage My Account › Security: change the password. "If your new password does not fit the guidelines,
// you will receive an error message" (the Online Affiliate FAQ, question 3) — the gateway's message states
// the guideline.
import { type FormEvent, useState, useSyncExternalStore } from "react";
import { useMutation, useQuery } from "urql";

import { ChangePasswordDocument, SecurityStatusDocument } from "../../graphql/generated/graphql";
import { session } from "../../session";
import { Alert, RequestError, TextField, UserErrors, fieldError } from "../../ui";
import { Sessions } from "./Sessions";
import { TwoFactor } from "./TwoFactor";

export function Security() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const [status, refetch] = useQuery({ query: SecurityStatusDocument, requestPolicy: "cache-and-network" });
  const reload = () => refetch({ requestPolicy: "network-only" });
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [result, change] = useMutation(ChangePasswordDocument);
  const errors = result.data?.changePassword.userErrors ?? [];
  const changed = result.data?.changePassword.changed ?? false;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMismatch(newPassword !== confirm);
    if (newPassword !== confirm) return;
    const answer = await change({ input: { currentPassword, newPassword } });
    if (answer.data?.changePassword.changed) {
      setCurrentPassword("");
      setNewPassword("");
      setConfirm("");
    }
  };

  return (
    <section aria-labelledby="security-heading">
      <h2 id="security-heading">Security</h2>
      <TwoFactor status={status.data?.viewer?.mfa} required={state.mfaEnrollmentRequired === true} changed={reload} />
      <form onSubmit={(event) => void submit(event)} noValidate className="card narrow" aria-labelledby="change-password">
        <h3 id="change-password">Change your password</h3>
        {changed ? (
          <Alert kind="success">
            <p>Your password has been changed. Your other sessions have been signed off.</p>
          </Alert>
        ) : null}
        <RequestError error={result.error} />
        <UserErrors
          errors={errors.filter((error) => !["currentPassword", "newPassword"].includes(error.field?.at(-1) ?? ""))}
        />
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
          error={fieldError(errors, "currentPassword")}
          required
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          error={fieldError(errors, "newPassword")}
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
        <button type="submit" className="button-primary" disabled={result.fetching}>
          Change password
        </button>
      </form>
      {status.data?.viewer ? <Sessions sessions={status.data.viewer.sessions} changed={reload} /> : null}
    </section>
  );
}
