// Trusted (persisted) documents. The .graphql files under src/graphql are the one source of truth: the
// app imports them, and this plugin turns each into the exact text the gateway will run — the operation
// as written, with `__typename` selected wherever the normalized cache needs it — and its SHA-256. The app
// sends only the hash (`extensions.persistedQuery`); the build writes the same texts to
// dist/documents/<Operation>.graphql, which `python -m gateway trust-documents` registers.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  parse,
  buildSchema,
  print,
  validate,
  visit,
} from "graphql";
import type { Plugin } from "vite";

export interface PersistedDocument {
  name: string;
  kind: "query" | "mutation" | "subscription";
  text: string;
  hash: string;
}

const VIRTUAL_ID = "virtual:trusted-documents";
const RESOLVED_VIRTUAL_ID = "\0" + VIRTUAL_ID;

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } };

/** The selection set with `__typename` added, unless it selects it already. */
function withTypename(selectionSet: SelectionSetNode): SelectionSetNode {
  const selects = selectionSet.selections.some(
    (selection) => selection.kind === Kind.FIELD && selection.name.value === "__typename" && !selection.alias,
  );
  return selects ? selectionSet : { ...selectionSet, selections: [...selectionSet.selections, TYPENAME] };
}

/** The document the gateway runs: every object selection (not the operation's root) names its type. */
export function normalized(source: string, file: string): PersistedDocument {
  const document: DocumentNode = parse(source, { noLocation: true });
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (operations.length !== 1 || operation === undefined || !operation.name) {
    throw new Error(`${file}: a document holds exactly one named operation (and its fragments)`);
  }
  const name = operation.name.value;
  if (basename(file, ".graphql") !== name) {
    throw new Error(`${file}: name the file after its operation (${name}.graphql)`);
  }
  const withTypenames = visit(document, {
    SelectionSet: {
      leave(node: SelectionSetNode, _key, parent: ASTNode | readonly ASTNode[] | undefined) {
        const owner = Array.isArray(parent) ? undefined : (parent as ASTNode | undefined);
        if (owner?.kind === Kind.OPERATION_DEFINITION) return node;
        return withTypename(node);
      },
    },
  });
  const text = print(withTypenames);
  return {
    name,
    kind: operation.operation,
    text,
    hash: createHash("sha256").update(text, "utf8").digest("hex"),
  };
}

/** Every document of the directory, each checked against the gateway's exported schema. */
function loadAll(directory: string, schemaFile: string): PersistedDocument[] {
  const schema = buildSchema(readFileSync(schemaFile, "utf8"));
  const documents = readdirSync(directory)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => normalized(readFileSync(join(directory, file), "utf8"), file));
  const names = new Set<string>();
  for (const document of documents) {
    if (names.has(document.name)) throw new Error(`two documents define the operation ${document.name}`);
    names.add(document.name);
    const errors = validate(schema, parse(document.text));
    if (errors.length > 0) {
      const reasons = errors.map((error) => error.message).join("; ");
      throw new Error(`${document.name}.graphql does not match ${schemaFile}: ${reasons}`);
    }
  }
  return documents;
}

export function trustedDocuments(options: { directory: string; schema: string }): Plugin {
  let directory = options.directory;
  let schemaFile = options.schema;
  let documents: PersistedDocument[] = [];
  return {
    name: "trusted-documents",
    configResolved(config) {
      directory = resolve(config.root, options.directory);
      schemaFile = resolve(config.root, options.schema);
    },
    buildStart() {
      documents = loadAll(directory, schemaFile);
      this.addWatchFile(schemaFile);
      for (const document of documents) this.addWatchFile(join(directory, `${document.name}.graphql`));
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_VIRTUAL_ID : null;
    },
    load(id) {
      if (id === RESOLVED_VIRTUAL_ID) {
        documents = loadAll(directory, schemaFile);
        const registry = Object.fromEntries(documents.map((d) => [d.name, { hash: d.hash, text: d.text }]));
        return `export const documents = ${JSON.stringify(registry)};`;
      }
      if (id.endsWith(".graphql")) {
        const document = normalized(readFileSync(id, "utf8"), id);
        return `export default ${JSON.stringify(document.text)};`;
      }
      return null;
    },
    generateBundle() {
      for (const document of documents) {
        this.emitFile({ type: "asset", fileName: `documents/${document.name}.graphql`, source: document.text });
      }
    },
  };
}
