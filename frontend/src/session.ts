// The signed-on session (docs/http.md, "Sign-in for people"): a short-lived access token kept in memory only,
// renewed through the HttpOnly refresh cookie (which JavaScript never sees), and signed off on request or
// when the person stays idle past the gateway's idle timeout.

export type SignOnFailure =
  | "invalid_credentials"
  | "rate_limited"
  | "invalid_request"
  | "unavailable"
  | "invalid_code"
  | "code_expired";

/** What a right password leads to: the session, or the second step of multi-factor sign-in. */
export type SignOnStep = SignOnFailure | "mfa_required" | null;

export interface SessionState {
  status: "restoring" | "signed-out" | "signed-in";
  /** Why the last session ended, shown on the sign-on page. */
  notice: string | null;
  /** MFA_REQUIRED and no authenticator yet: only Manage My Account › Security until one is enrolled. */
  mfaEnrollmentRequired?: boolean;
}

interface AccessToken {
  token: string;
  expiresAt: number;
}

/** The gateway's answer to a sign-on or a renewal. */
interface TokenResponse {
  access_token: string;
  expires_in: number;
}

// Renew a little before the token expires, so that no request leaves with a token about to lapse.
const RENEW_BEFORE_MS = 30_000;

function readMeta(name: string): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
}

/** The gateway's SESSION_IDLE_SECONDS, which it writes into index.html as it serves it. */
export function sessionIdleSeconds(): number {
  const value = Number(readMeta("session-idle-seconds"));
  return Number.isFinite(value) && value > 0 ? value : 15 * 60;
}

class Session {
  private state: SessionState = { status: "restoring", notice: null };
  private access: AccessToken | null = null;
  private renewing: Promise<AccessToken | null> | null = null;
  private listeners = new Set<() => void>();
  /** Between a right password and the code (multi-factor sign-in); never stored beyond this page. */
  private mfaToken: string | null = null;
  /** When the gateway last saw this session (every request pushes its idle timeout on). */
  lastContact = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): SessionState => this.state;

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  /** On page load: a refresh cookie from before (a reload, a new tab) resumes the session. */
  async restore(): Promise<void> {
    const access = await this.renew();
    this.set({ status: access ? "signed-in" : "signed-out", notice: null });
  }

  async signOn(userId: string, password: string): Promise<SignOnStep> {
    let response: Response;
    try {
      response = await fetch("/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId, password }),
        credentials: "same-origin",
      });
    } catch {
      return "unavailable";
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      if (body.error === "rate_limited" || body.error === "invalid_request") return body.error;
      return response.status === 401 ? "invalid_credentials" : "unavailable";
    }
    const body = (await response.json()) as SignInAnswer;
    if ("mfa_required" in body) {
      this.mfaToken = body.mfa_token;
      return "mfa_required";
    }
    this.signedIn(body);
    return null;
  }

  /** The second step: a code of the person's authenticator app, or one of their recovery codes. */
  async verifyCode(code: string): Promise<SignOnFailure | null> {
    if (!this.mfaToken) return "code_expired";
    let response: Response;
    try {
      response = await fetch("/auth/sign-in/mfa", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mfa_token: this.mfaToken, code }),
        credentials: "same-origin",
      });
    } catch {
      return "unavailable";
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      if (body.error === "rate_limited") return "rate_limited";
      return response.status === 401 ? "invalid_code" : "unavailable";
    }
    this.mfaToken = null;
    this.signedIn((await response.json()) as TokenAnswer);
    return null;
  }

  /** Enrolment done: the rest of the portal opens to this session (the gateway already knows). */
  enrolled(): void {
    this.set({ ...this.state, mfaEnrollmentRequired: false });
  }

  private signedIn(body: TokenAnswer): void {
    this.accept(body);
    this.set({ status: "signed-in", notice: null, mfaEnrollmentRequired: body.mfa_enrollment_required === true });
  }

  /** Sign off here and at the gateway, where the session and its tokens stop working at once. */
  async signOff(notice: string | null = null): Promise<void> {
    const token = this.access?.token;
    this.access = null;
    this.set({ status: "signed-out", notice });
    await fetch("/auth/sign-out", {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      credentials: "same-origin",
    }).catch(() => undefined);
  }

  /** The session ended at the gateway (idled out, signed off elsewhere, password changed). */
  ended(): void {
    if (this.state.status !== "signed-in") return;
    this.access = null;
    this.set({ status: "signed-out", notice: "Your session has ended. Please sign on again." });
  }

  /** A token fit to send now, renewed first when it is about to expire; null when signed out. */
  async token(): Promise<string | null> {
    if (this.access && this.access.expiresAt - Date.now() > RENEW_BEFORE_MS) return this.access.token;
    if (this.state.status !== "signed-in") return null;
    const access = await this.renew();
    if (!access) this.ended();
    return access?.token ?? null;
  }

  /** "Stay signed on": a new access token, which also tells the gateway the person is still here. */
  async stayOn(): Promise<boolean> {
    const access = await this.renew();
    if (!access) this.ended();
    return access !== null;
  }

  private renew(): Promise<AccessToken | null> {
    this.renewing ??= fetch("/auth/refresh", { method: "POST", credentials: "same-origin" })
      .then(async (response) => (response.ok ? this.accept((await response.json()) as TokenResponse) : null))
      .catch(() => null)
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private accept(body: TokenResponse): AccessToken {
    this.access = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    this.lastContact = Date.now();
    return this.access;
  }
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  mfa_enrollment_required?: boolean;
}

type SignInAnswer = TokenAnswer | { mfa_required: true; mfa_token: string; expires_in: number };

export const session = new Session();
