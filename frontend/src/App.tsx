// The shell: the session decides which screens exist, each session gets its own GraphQL client (so one
// person's cached data never reaches the next), and the header carries the navigation of the seeds.
import { type ReactNode, useEffect, useState, useSyncExternalStore } from "react";
import { Provider, useQuery, useSubscription } from "urql";

import { createPortalClient } from "./graphql/client";
import { InBasketArrivalsDocument, UnreadCountDocument, ViewerDocument } from "./graphql/generated/graphql";
import { IdlePrompt } from "./IdlePrompt";
import { Arrivals, type ArrivalsState } from "./live";
import { Link, match, navigate, useLocation } from "./router";
import { MyAccount } from "./screens/account/MyAccount";
import { PendingRequests } from "./screens/account/PendingRequests";
import { WorkQueue } from "./screens/account/WorkQueue";
import { ClaimPage } from "./screens/claims/ClaimPage";
import { ClaimSearch } from "./screens/claims/ClaimSearch";
import { Eligibility } from "./screens/eligibility/Eligibility";
import { AgreementPage, TpaAttestationPage } from "./screens/enroll/Agreements";
import { RegistrationPage } from "./screens/enroll/Registration";
import { SupportCasePage } from "./screens/enroll/SupportCase";
import { GuestAccess } from "./screens/guest/GuestAccess";
import { MyMessages } from "./screens/messages/MyMessages";
import { ForgotUserId } from "./screens/signon/ForgotUserId";
import { PasswordReset } from "./screens/signon/PasswordReset";
import { SignOn } from "./screens/signon/SignOn";
import { session } from "./session";
import { FOLDER_LABELS, PORTAL_NAME, Page } from "./ui";

export function App() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  useEffect(() => {
    void session.restore();
  }, []);
  const signedIn = state.status === "signed-in";

  if (state.status === "restoring") {
    return (
      <p className="loading" role="status">
        We’re getting your information
      </p>
    );
  }
  return (
    // The key gives each session (and the guest between sessions) a client of its own.
    <PortalClient key={signedIn ? "signed-in" : "signed-out"}>
      {signedIn ? (
        <SignedIn mfaEnrollmentRequired={state.mfaEnrollmentRequired === true} />
      ) : (
        <SignedOut notice={state.notice} />
      )}
    </PortalClient>
  );
}

function PortalClient({ children }: { children: ReactNode }) {
  const [portal] = useState(createPortalClient);
  useEffect(() => () => portal.dispose(), [portal]);
  return <Provider value={portal.client}>{children}</Provider>;
}

function Shell({ nav, aside, children }: { nav: ReactNode; aside?: ReactNode; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="brand">
          <Link to="/">{PORTAL_NAME}</Link>
          <span className="brand-sub">Provider portal</span>
        </div>
        <nav aria-label="Main">{nav}</nav>
      </header>
      {aside}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Need help? National HelpDesk 844-563-4357. Supported on current desktop browsers and on iOS and Android
          tablets.
        </p>
      </footer>
    </>
  );
}

function NavLink({ to, label, current, badge }: { to: string; label: string; current: boolean; badge?: ReactNode }) {
  return (
    <li>
      <Link to={to} aria-current={current ? "page" : undefined}>
        {label}
        {badge}
      </Link>
    </li>
  );
}

function SignedOut({ notice }: { notice: string | null }) {
  const { path } = useLocation();
  let screen: ReactNode;
  if (path === "/guest") screen = <GuestAccess />;
  else if (path === "/forgot-user-id") screen = <ForgotUserId />;
  else if (path === "/password-reset") screen = <PasswordReset />;
  else if (path === "/register") screen = <RegistrationPage />;
  else if (path === "/enroll/agreement") screen = <AgreementPage tpa={false} />;
  else if (path === "/enroll/tpa-agreement") screen = <AgreementPage tpa />;
  else if (path === "/enroll/tpa-attestation") screen = <TpaAttestationPage />;
  else if (path === "/support") screen = <SupportCasePage />;
  else screen = <SignOn notice={notice} />;
  return (
    <Shell
      nav={
        <ul>
          <NavLink to="/sign-on" label="Sign-On" current={path === "/" || path === "/sign-on"} />
          <NavLink to="/register" label="Register" current={path === "/register"} />
          <NavLink to="/enroll/agreement" label="Enroll" current={path.startsWith("/enroll")} />
          <NavLink to="/support" label="Support" current={path === "/support"} />
          <NavLink to="/guest" label="Guest access" current={path === "/guest"} />
        </ul>
      }
    >
      {screen}
    </Shell>
  );
}

function SignedIn({ mfaEnrollmentRequired }: { mfaEnrollmentRequired: boolean }) {
  const { path } = useLocation();
  const [viewerResult] = useQuery({ query: ViewerDocument });
  const viewer = viewerResult.data?.viewer;
  // A REGISTERING person, or one who must enrol a second factor, reaches Manage My Account only.
  const setupOnly = mfaEnrollmentRequired || viewer?.user.status === "REGISTERING";
  const representative = viewer?.user.kind === "REGIONAL_REPRESENTATIVE";
  const [unreadResult, refetchUnread] = useQuery({ query: UnreadCountDocument });
  const [arrivals, setArrivals] = useState<ArrivalsState>({ count: 0, latest: null });
  useSubscription({ query: InBasketArrivalsDocument, pause: setupOnly || !viewer }, (_previous, data) => {
    setArrivals((current) => ({ count: current.count + 1, latest: data.inBasket }));
    refetchUnread({ requestPolicy: "network-only" });
    return data;
  });

  useEffect(() => {
    if (!viewer) return;
    // Someone finishing their set-up goes to it; a signed-on person arriving at the sign-on page (a bookmark,
    // the back button) goes to work: representatives to their work queue, everyone else to Claims.
    if (mfaEnrollmentRequired && path !== "/account/security") navigate("/account/security", { replace: true });
    else if (setupOnly && !path.startsWith("/account")) navigate("/account/associations", { replace: true });
    else if (path === "/" || path === "/sign-on") navigate(representative ? "/queue" : "/claims", { replace: true });
  }, [path, viewer, setupOnly, mfaEnrollmentRequired, representative]);

  const unread = unreadResult.data?.viewer?.unread.totalCount ?? 0;
  let screen: ReactNode;
  let params: Record<string, string> | null;
  if ((params = match("/claims/:id", path))) screen = <ClaimPage id={params.id ?? ""} />;
  else if (path === "/claims" || path === "/" || path === "/sign-on") screen = <ClaimSearch viewer={viewerResult.data} />;
  else if (path === "/eligibility") screen = <Eligibility viewer={viewerResult.data} />;
  else if (path === "/messages") screen = <MyMessages />;
  else if (path === "/account" || path.startsWith("/account/"))
    screen = <MyAccount viewer={viewerResult.data} setupOnly={setupOnly} />;
  else if (path === "/requests") screen = <PendingRequests />;
  else if (path === "/queue" && representative) screen = <WorkQueue />;
  else if (path === "/guest") screen = <GuestAccess />;
  else
    screen = (
      <Page title="Page not found">
        <p>
          There is no page at this address. <Link to="/claims">Go to Claims</Link>.
        </p>
      </Page>
    );

  return (
    <Arrivals.Provider value={arrivals}>
      <Shell
        nav={
          <>
            <ul>
              {representative ? <NavLink to="/queue" label="Work queue" current={path === "/queue"} /> : null}
              {setupOnly ? null : (
              <>
              <NavLink to="/claims" label="Claims" current={path.startsWith("/claims")} />
              {representative ? null : (
                <NavLink to="/eligibility" label="Eligibility & Benefits" current={path === "/eligibility"} />
              )}
              <NavLink
                to="/messages"
                label="My Messages"
                current={path === "/messages"}
                badge={
                  unread > 0 ? (
                    <span className="badge">
                      {unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  ) : null
                }
              />
              </>
              )}
              <NavLink to="/account" label="Manage My Account" current={path.startsWith("/account")} />
              {representative ? (
                <NavLink to="/requests" label="Association requests" current={path === "/requests"} />
              ) : null}
            </ul>
            <div className="session-box">
              <span className="who">
                {viewer ? `${viewer.user.profile.firstName} ${viewer.user.profile.lastName}` : ""}
                {viewer?.activeRegion ? (
                  <span className="working-in">
                    {" "}
                    · <Link to="/account/regions">{viewer.activeRegion.name}</Link>
                  </span>
                ) : null}
              </span>
              <button type="button" className="button-secondary" onClick={() => void session.signOff("You have signed off. Thank you for using Online Affiliate.")}>
                Sign Off
              </button>
            </div>
          </>
        }
        aside={
          <div className="live-region" role="status" aria-live="polite">
            {arrivals.latest ? (
              <p className="toast">
                New message in {FOLDER_LABELS[arrivals.latest.folder]}: {arrivals.latest.subject}.{" "}
                <Link to={`/messages?folder=${arrivals.latest.folder}`}>Open My Messages</Link>
              </p>
            ) : null}
          </div>
        }
      >
        {screen}
      </Shell>
      <IdlePrompt />
    </Arrivals.Provider>
  );
}
