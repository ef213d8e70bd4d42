// GraphiQL for development (`/graphiql`): bundled by the same build, so it loads nothing from a CDN.
import "graphiql/style.css";
import "./graphiql.css";

import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { session } from "../session";

const DEFAULT_QUERY = `# Signed on in the web app (same browser)? Queries run as you: GraphiQL asks the gateway
# for a token through your session, as the web app does. Otherwise they run signed out.
query Claims {
  claims(search: {}, first: 5) {
    totalCount
    edges {
      node {
        claimNumber
        status
        statusCategory
        region { code name }
        payment { amount paidOn }
      }
    }
  }
}
`;

const gateway = createGraphiQLFetcher({
  url: "/graphql",
  subscriptionUrl: `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/graphql`,
  headers: { "apollo-require-preflight": "true" },
});

// The signed-on person's session, resumed from the refresh cookie as the web app resumes it after a reload.
const restored = session.restore();

/** Every operation carries a fresh access token of the session, unless the Headers tab sets its own. */
const fetcher: Fetcher = async (params, options) => {
  await restored;
  const token = await session.token();
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options?.headers };
  return await gateway(params, { ...options, headers });
};

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </StrictMode>,
  );
}
