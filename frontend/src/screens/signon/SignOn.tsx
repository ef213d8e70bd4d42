// Sign-On, with "Forgot your User ID" and "Password reset" (the Online Affiliate FAQ, question 3).
import { type FormEvent, useState } from "react";

import { Link } from "../../router";
import { type SignOnFailure, session } from "../../session";
import { Alert, Page, TextField } from "../../ui";

const FAILURES: Record<SignOnFailure, string> = {
  invalid_credentials: "The User ID or password you entered is incorrect.",
  rate_limited: "Too many sign-on attempts. Wait a few minutes and try again, or reset your password.",
  invalid_request: "Enter your User ID and your password.",
  unavailable: "The portal could not be reached. Check your connection and try again.",
  invalid_code: "This code does not work. Type the six digits your authenticator app shows now, or a recovery code.",
  code_expired: "Your sign-on took too long. Enter your User ID and password again.",
};

export function SignOn({ notice }: { notice: string | null }) {
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const [failure, setFailure] = useState<SignOnFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [askingCode, setAskingCode] = useState(false);
  const [code, setCode] = useState("");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!userId.trim() || !password) {
      setFailure("invalid_request");
      return;
    }
    setBusy(true);
    const step = await session.signOn(userId.trim(), password);
    setBusy(false);
    if (step === "mfa_required") {
      setAskingCode(true);
      setFailure(null);
      setPassword("");
    } else {
      setFailure(step);
    }
  };

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const refused = await session.verifyCode(code.trim());
    setBusy(false);
    setFailure(refused);
    if (refused === "code_expired" || refused === "rate_limited") {
      setAskingCode(false);
      setCode("");
    }
  };

  return (
    <Page title="Sign-On">
      <div className="two-columns">
        <section aria-labelledby="sign-on-heading" className="card">
          <h2 id="sign-on-heading">Existing users</h2>
          {notice && !failure ? (
            <Alert kind="info">
              <p>{notice}</p>
            </Alert>
          ) : null}
          {failure ? (
            <Alert kind="error">
              <p>{FAILURES[failure]}</p>
            </Alert>
          ) : null}
          {askingCode ? (
            <form onSubmit={(event) => void submitCode(event)} noValidate aria-labelledby="code-heading">
              <h3 id="code-heading">Enter your sign-on code</h3>
              <p>Open your authenticator app and type the six-digit code it shows for Online Affiliate.</p>
              <TextField
                label="Code"
                name="code"
                autoComplete="one-time-code"
                inputMode="numeric"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                hint="Lost your phone? Type one of your recovery codes instead."
                required
              />
              <button type="submit" className="button-primary" disabled={busy}>
                {busy ? "Checking…" : "Continue"}
              </button>
            </form>
          ) : (
          <form onSubmit={(event) => void submit(event)} noValidate>
            <TextField
              label="User ID"
              name="userId"
              autoComplete="username"
              value={userId}
              onChange={(event) => setUserId(event.target.value)}
              required
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? "Signing on…" : "Sign On"}
            </button>
          </form>
          )}
          <ul className="link-list">
            <li>
              <Link to="/forgot-user-id">Forgot your User ID</Link>
            </li>
            <li>
              <Link to="/password-reset">Password reset</Link>
            </li>
          </ul>
        </section>
        <section aria-labelledby="guest-heading" className="card">
          <h2 id="guest-heading">Guest access</h2>
          <p>
            Contracted and non-contracted providers can view a claim’s status, and a member’s eligibility, without
            registering. You will be asked for key information about the claim or the member.
          </p>
          <p>
            <Link to="/guest">View claim status or eligibility as a guest</Link>
          </p>
        </section>
      </div>
    </Page>
  );
}
