// The app's trusted documents, as the code generator wrote them (codegen.ts): every generated document
// carries the SHA-256 of the exact text the gateway runs (`__meta__.hash`), and the manifest maps each
// hash to that text.
import type { DocumentNode } from "graphql";

import manifest from "./generated/persisted-documents.json";

export interface TrustedDocument {
  hash: string;
  text: string;
}

const TEXT_BY_HASH: ReadonlyMap<string, string> = new Map(Object.entries(manifest));

/** The text the gateway registered under this hash. */
export function trustedText(hash: string): string | undefined {
  return TEXT_BY_HASH.get(hash);
}

/** The document's hash and text, if it is one of the app's trusted documents. */
export function trustedDocument(document: DocumentNode): TrustedDocument | undefined {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== "string") return undefined;
  const text = trustedText(hash);
  return text === undefined ? undefined : { hash, text };
}
