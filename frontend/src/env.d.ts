/// <reference types="vite/client" />

// A GraphQL document of src/graphql, as the gateway runs it (build/trusted-documents.ts).
declare module "*.graphql" {
  const text: string;
  export default text;
}

declare module "virtual:trusted-documents" {
  export const documents: Record<string, { hash: string; text: string }>;
}
