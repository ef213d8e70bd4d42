// The GraphQL client: urql with a normalized cache (graphcache), trusted documents sent by hash only, the
// session's token on every request, and subscriptions over graphql-transport-ws.
import { type KeyingConfig, cacheExchange } from "@urql/exchange-graphcache";
import { Kind } from "graphql";
import { createClient as createWebSocketClient, type Client as WebSocketClient } from "graphql-ws";
import {
  type Client,
  type Exchange,
  type Operation,
  createClient,
  fetchExchange,
  makeOperation,
  mapExchange,
  subscriptionExchange,
} from "urql";

import { session } from "../session";
import { TYPES_WITHOUT_ID } from "./generated/graphcache-keys";
import { gatewayFetch } from "./transport";
import { type TrustedDocument, trustedDocument } from "./trusted";

const GRAPHQL_PATH = "/graphql";

function operationName(operation: Operation): string | undefined {
  for (const definition of operation.query.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) return definition.name.value;
  }
  return undefined;
}

function trusted(operation: Operation): TrustedDocument {
  const document = trustedDocument(operation.query);
  if (!document) {
    throw new Error(`${operationName(operation) ?? "an anonymous operation"} is not one of the app's trusted documents`);
  }
  return document;
}

/** Queries and mutations leave as `extensions.persistedQuery` only: the gateway runs the registered text. */
const persistedDocuments: Exchange = mapExchange({
  onOperation(operation) {
    if (operation.kind !== "query" && operation.kind !== "mutation") return operation;
    const { hash } = trusted(operation);
    return makeOperation(
      operation.kind,
      { ...operation, extensions: { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: hash } } },
      operation.context,
    );
  },
});

// Objects without an id of their own live inside their parent in the cache (the list comes from the
// schema); regions are known by their code, and there is one viewer a session.
const KEYS: KeyingConfig = {
  ...Object.fromEntries(TYPES_WITHOUT_ID.map((typename) => [typename, () => null])),
  Region: (region) => (typeof region.code === "string" ? region.code : null),
  Viewer: () => "viewer",
};

function webSocketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${GRAPHQL_PATH}`;
}

export interface PortalClient {
  client: Client;
  dispose(): void;
}

/** A client for one signed-on session (or for a guest): its cache never outlives the person. */
export function createPortalClient(): PortalClient {
  let sockets: WebSocketClient | null = null;
  const subscriptions = (): WebSocketClient =>
    (sockets ??= createWebSocketClient({
      url: webSocketUrl(),
      lazy: true,
      retryAttempts: 5,
      // A browser cannot set headers on a WebSocket: the token travels in `connection_init`.
      connectionParams: async () => {
        const token = await session.token();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }));
  const client = createClient({
    url: GRAPHQL_PATH,
    preferGetMethod: false,
    fetch: gatewayFetch(),
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange({
        keys: KEYS,
        updates: {
          Mutation: {
            removeAssociation(_result, _args, cache) {
              // An association removed may take a whole region with it (the region switcher, claim search).
              cache.invalidate("Viewer:viewer", "approvedRegions");
            },
            markMessagesRead(_result, _args, cache) {
              // Messages read: the unread count beside My Messages is stale.
              for (const field of cache.inspectFields("Viewer:viewer")) {
                if (field.fieldName === "inBasket" && field.arguments?.unreadOnly) {
                  cache.invalidate("Viewer:viewer", field.fieldName, field.arguments);
                }
              }
            },
          },
        },
      }),
      persistedDocuments,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          // The socket takes the registered text itself, byte for byte the trusted document.
          const input = { ...request, query: trusted(operation).text };
          return {
            subscribe(sink) {
              const unsubscribe = subscriptions().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return {
    client,
    dispose() {
      void sockets?.dispose();
      sockets = null;
    },
  };
}
