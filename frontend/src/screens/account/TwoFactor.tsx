// Manage My Account › Security: multi-factor sign-in with an authenticator app (TOTP). The QR code is drawn
// here, in the browser, from the otpauth:// URI: the secret never goes to any other service.
import qrcode from "qrcode-generator";
import { type FormEvent, useMemo, useState } from "react";
import { useMutation } from "urql";

import { BeginTotpEnrollmentDocument, ConfirmTotpEnrollmentDocument, DisableMfaDocument } from "../../graphql/generated/graphql";

import { session } from "../../session";
import { Alert, RequestError, TextField, UserErrors, fieldError } from "../../ui";

interface MfaStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

function QrCode({ uri }: { uri: string }) {
  const source = useMemo(() => {
    const code = qrcode(0, "M");
    code.addData(uri);
    code.make();
    return code.createDataURL(5, 4);
  }, [uri]);
  return <img className="qr-code" src={source} alt="QR code to scan with your authenticator app" width={200} height={200} />;
}

export function TwoFactor({ status, required, changed }: { status: MfaStatus | undefined; required: boolean; changed: () => void }) {
  const [begun, begin] = useMutation(BeginTotpEnrollmentDocument);
  const [confirmed, confirm] = useMutation(ConfirmTotpEnrollmentDocument);
  const [disabled, disable] = useMutation(DisableMfaDocument);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [offCode, setOffCode] = useState("");
  const enrollment = begun.data?.beginTotpEnrollment.enrollment ?? null;
  const recoveryCodes = confirmed.data?.confirmTotpEnrollment.recoveryCodes ?? null;
  const confirmErrors = confirmed.data?.confirmTotpEnrollment.userErrors ?? [];
  const disableErrors = disabled.data?.disableMfa.userErrors ?? [];

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await confirm({ input: { code: code.trim() } });
    if (answer.data?.confirmTotpEnrollment.recoveryCodes) {
      setCode("");
      session.enrolled();
      changed();
    }
  };

  const submitOff = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await disable({ input: { password, code: offCode.trim() } });
    if (answer.data?.disableMfa.disabled) {
      setPassword("");
      setOffCode("");
      changed();
    }
  };

  if (recoveryCodes) {
    return (
      <section className="card narrow" aria-labelledby="mfa-heading">
        <h3 id="mfa-heading">Two-step sign-on is on</h3>
        <Alert kind="success">
          <p>From now on, Online Affiliate asks for a code from your authenticator app after your password.</p>
        </Alert>
        <p>
          <strong>Keep these recovery codes somewhere safe.</strong> Each works once, instead of a code, if you lose
          your phone. They are shown only now.
        </p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {recoveryCodes.map((recovery) => (
            <li key={recovery}>
              <code>{recovery}</code>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  if (status?.enabled) {
    return (
      <form className="card narrow" aria-labelledby="mfa-heading" onSubmit={(event) => void submitOff(event)} noValidate>
        <h3 id="mfa-heading">Two-step sign-on</h3>
        <p>
          Two-step sign-on is on. You have {status.recoveryCodesLeft} unused recovery code
          {status.recoveryCodesLeft === 1 ? "" : "s"}.
        </p>
        <RequestError error={disabled.error} />
        <UserErrors errors={disableErrors.filter((error) => !["password", "code"].includes(error.field?.at(-1) ?? ""))} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldError(disableErrors, "password")}
          required
        />
        <TextField
          label="Code from your authenticator app, or a recovery code"
          autoComplete="one-time-code"
          value={offCode}
          onChange={(event) => setOffCode(event.target.value)}
          error={fieldError(disableErrors, "code")}
          required
        />
        <button type="submit" className="button-secondary" disabled={disabled.fetching}>
          Turn two-step sign-on off
        </button>
      </form>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="mfa-heading">
      <h3 id="mfa-heading">Two-step sign-on</h3>
      {required ? (
        <Alert kind="warning">
          <p>Your organization’s access needs two-step sign-on. Set it up to continue to the rest of the portal.</p>
        </Alert>
      ) : null}
      <p>After your password, Online Affiliate will ask for a six-digit code from an authenticator app on your phone.</p>
      <RequestError error={begun.error ?? confirmed.error} />
      <UserErrors errors={begun.data?.beginTotpEnrollment.userErrors ?? []} />
      {enrollment ? (
        <form onSubmit={(event) => void submitCode(event)} noValidate>
          <ol>
            <li>Open your authenticator app and scan this QR code.</li>
            <li>Type the six-digit code the app shows.</li>
          </ol>
          <QrCode uri={enrollment.uri} />
          <p className="hint">
            Cannot scan it? Enter this key in the app: <code className="totp-secret">{enrollment.secret}</code>
          </p>
          <TextField
            label="Six-digit code"
            autoComplete="one-time-code"
            inputMode="numeric"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            error={fieldError(confirmErrors, "code")}
            required
          />
          <button type="submit" className="button-primary" disabled={confirmed.fetching}>
            Turn on two-step sign-on
          </button>
        </form>
      ) : (
        <button type="button" className="button-primary" onClick={() => void begin({})} disabled={begun.fetching}>
          Set up two-step sign-on
        </button>
      )}
    </section>
  );
}
