// GraphiQL for development (`/graphiql`): bundled by the same build, so it loads nothing from a CDN.
import "graphiql/style.css";
import "./graphiql.css";

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

const DEFAULT_QUERY = `# Sign in first (POST /auth/sign-in), then add the header
#   {"authorization": "Bearer <access_token>"}
# in the Headers tab below.
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

const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  subscriptionUrl: `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/graphql`,
  headers: { "apollo-require-preflight": "true" },
});

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </StrictMode>,
  );
}
