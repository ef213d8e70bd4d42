// Manage My Account › Security: where the person is signed on, and signing any of those sessions off.
import { useMutation } from "urql";

import { EndSessionDocument } from "../../graphql/generated/graphql";

import { session as current } from "../../session";
import { RequestError, UserErrors, dateTime } from "../../ui";

export interface SessionRow {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  current: boolean;
}

/** A browser's own description, shortened to what a person recognizes. */
function browser(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  for (const name of ["Edg", "Firefox", "Chrome", "Safari"]) {
    if (userAgent.includes(`${name}/`)) return name === "Edg" ? "Microsoft Edge" : name;
  }
  return userAgent.slice(0, 60);
}

export function Sessions({ sessions, changed }: { sessions: SessionRow[]; changed: () => void }) {
  const [ended, end] = useMutation(EndSessionDocument);

  const signOff = async (row: SessionRow) => {
    const answer = await end({ input: { sessionId: row.id } });
    if (answer.data?.endSession.ended) {
      if (row.current) await current.signOff("You have signed off. Thank you for using Online Affiliate.");
      else changed();
    }
  };

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h3 id="sessions-heading">Where you are signed on</h3>
      <RequestError error={ended.error} />
      <UserErrors errors={ended.data?.endSession.userErrors ?? []} />
      <table className="results">
        <caption className="visually-hidden">Your sessions</caption>
        <thead>
          <tr>
            <th scope="col">Browser</th>
            <th scope="col">Signed on</th>
            <th scope="col">Last seen</th>
            <th scope="col">
              <span className="visually-hidden">End session</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((row) => (
            <tr key={row.id}>
              <td>
                {browser(row.userAgent)}
                {row.current ? <strong> (this browser)</strong> : null}
              </td>
              <td>{dateTime(row.createdAt)}</td>
              <td>{dateTime(row.lastSeenAt)}</td>
              <td>
                <button type="button" className="button-secondary" onClick={() => void signOff(row)} disabled={ended.fetching}>
                  End session<span className="visually-hidden"> in {browser(row.userAgent)}{row.current ? ", this browser" : ""}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
