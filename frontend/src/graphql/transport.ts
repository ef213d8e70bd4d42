// How a GraphQL request reaches the gateway: the session's bearer token, the CSRF preflight header the
// gateway asks of every browser request (HTTP.md), one retry after renewing a lapsed token, and — for
// uploads — XMLHttpRequest, the one browser API that reports upload progress.
import { session } from "../session";
import { trustedText } from "./trusted";

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

interface GraphQLBody {
  query?: string;
  extensions?: { persistedQuery?: { sha256Hash?: string } };
}

async function persistedQueryMissing(response: Response): Promise<boolean> {
  if (!(response.headers.get("content-type") ?? "").includes("json")) return false;
  const body = (await response.clone().json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
  return body?.errors?.some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") ?? false;
}

/** The same request with the document's text beside its hash: the gateway then keeps it (APQ). */
function withDocumentText(body: BodyInit | null | undefined): string | null {
  if (typeof body !== "string") return null;
  const request = JSON.parse(body) as GraphQLBody;
  const text = trustedText(request.extensions?.persistedQuery?.sha256Hash ?? "");
  return text === undefined ? null : JSON.stringify({ ...request, query: text });
}

export function gatewayFetch(transport: Fetch = (input, init) => fetch(input, init)): Fetch {
  return async (input, init = {}) => {
    const send = async (body: BodyInit | null | undefined): Promise<[Response, string | null]> => {
      const token = await session.token();
      const headers = new Headers(init.headers);
      headers.set("apollo-require-preflight", "true");
      if (token) headers.set("authorization", `Bearer ${token}`);
      const response = await transport(input, { ...init, headers, body, credentials: "same-origin" });
      if (token) session.lastContact = Date.now();
      return [response, token];
    };
    const [firstResponse, token] = await send(init.body);
    let response = firstResponse;
    if (response.status === 401 && token) {
      // The token lapsed or the session ended: renew once; if that fails the person signs on again.
      if (!(await session.stayOn())) return response;
      [response] = await send(init.body);
    }
    if (await persistedQueryMissing(response)) {
      // A gateway whose manifest lacks this build's documents (it was not registered, e.g. a server
      // started by hand): send the text once. A gateway that only runs trusted documents still refuses.
      const retry = withDocumentText(init.body);
      if (retry !== null) [response] = await send(retry);
    }
    return response;
  };
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A fetch over XMLHttpRequest that reports how much of the request body has been sent. */
export function uploadTransport(onProgress: (sent: number, total: number) => void): Fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open(init.method ?? "POST", input instanceof Request ? input.url : String(input));
      new Headers(init.headers).forEach((value, name) => request.setRequestHeader(name, value));
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      };
      request.onload = () => {
        const headers = parseHeaders(request.getAllResponseHeaders());
        resolve(new Response(request.responseText, { status: request.status, headers }));
      };
      request.onerror = () => reject(new TypeError("The upload could not reach the portal."));
      request.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
      init.signal?.addEventListener("abort", () => request.abort());
      request.send((init.body ?? null) as XMLHttpRequestBodyInit | null);
    });
}
