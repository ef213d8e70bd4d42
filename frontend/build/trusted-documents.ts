// Trusted (persisted) documents: the code generator (codegen.ts) writes the manifest of the app's
// documents, `{sha256: text}`, each the exact text the gateway runs, fragments included. This plugin puts
// each into the build as dist/documents/<Operation>.graphql, which `python -m gateway trust-documents`
// registers; the app itself sends only the hashes.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { Kind, parse } from "graphql";
import type { Plugin } from "vite";

/** The manifest's documents by operation name, each checked to hash to its key. */
export function readManifest(file: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const byName = new Map<string, string>();
  for (const [hash, text] of Object.entries(manifest)) {
    if (createHash("sha256").update(text, "utf8").digest("hex") !== hash) {
      throw new Error(`${file}: the document under ${hash} does not hash to it`);
    }
    const operation = parse(text).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const name = operation?.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined;
    if (name === undefined) throw new Error(`${file}: the document under ${hash} has no named operation`);
    byName.set(name, text);
  }
  return byName;
}

export function trustedDocuments(options: { manifest: string }): Plugin {
  let manifestFile = options.manifest;
  return {
    name: "trusted-documents",
    apply: "build",
    configResolved(config) {
      manifestFile = resolve(config.root, options.manifest);
    },
    generateBundle() {
      for (const [name, text] of readManifest(manifestFile)) {
        this.emitFile({ type: "asset", fileName: `documents/${name}.graphql`, source: text });
      }
    },
  };
}
