// GraphQL Code Generator (`npm run codegen`, run first by build, typecheck and lint): from schema.graphql
// and the documents of src/graphql, the typed documents the screens import, the trusted (persisted)
// documents manifest, and the cache's list of types without an id. Its output, src/graphql/generated/,
// is not committed: every build makes it afresh.
import { basename } from "node:path";

import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";
import { Kind } from "graphql";

import * as graphcacheKeys from "./build/graphcache-keys";

const OUTPUT = "src/graphql/generated/";

type PluginLoader = NonNullable<CodegenConfig["pluginLoader"]>;

// The generator's own plugin loader cannot read TypeScript: the local plugin is handed over here.
const pluginLoader: PluginLoader = async (name) =>
  name === "graphcache-keys" ? graphcacheKeys : ((await import(name)) as Awaited<ReturnType<PluginLoader>>);

/** One operation or one fragment per file, the file named after it: the convention the README states. */
const namedAfterTheirFile = {
  transform({ documents }: { documents: { location?: string; document?: import("graphql").DocumentNode }[] }) {
    for (const { location, document } of documents) {
      const names = (document?.definitions ?? []).flatMap((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
          ? [definition.name?.value]
          : [],
      );
      const file = basename(location ?? "", ".graphql");
      if (names.length !== 1 || names[0] !== file) {
        throw new Error(`${location}: a document file holds one named operation or fragment, named as the file`);
      }
    }
    return documents;
  },
};

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/graphql/**/*.graphql"],
  pluginLoader,
  generates: {
    [OUTPUT]: {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        // The manifest maps each SHA-256 to the exact text the gateway runs (the format of
        // `python -m gateway trust-documents`); each document node carries its hash in `__meta__`.
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      // graphcache normalizes by `__typename`: the trusted texts select it everywhere.
      documentTransforms: [namedAfterTheirFile, addTypenameSelectionDocumentTransform],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        onlyOperationTypes: true,
        nonOptionalTypename: true,
        // A nullable field of a result is `T | null`, always present; a nullable input may be left out.
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        strictScalars: true,
        scalars: {
          Date: "string",
          DateTime: "string",
          Decimal: "string",
          Upload: "File",
        },
      },
    },
    [`${OUTPUT}graphcache-keys.ts`]: { plugins: ["graphcache-keys"] },
  },
};

export default config;
