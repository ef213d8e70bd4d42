// The build of the provider web app: the SPA (index.html) and, for development, GraphiQL (graphiql.html),
// both self-contained (no CDN), with every GraphQL document registered as trusted by `make run`.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

import { trustedDocuments } from "./build/trusted-documents";

export default defineConfig({
  plugins: [react(), trustedDocuments({ manifest: "src/graphql/generated/persisted-documents.json" })],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The gateway's Content-Security-Policy allows scripts from 'self' only: never inline one.
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: {
      input: { main: "index.html", graphiql: "graphiql.html" },
    },
    chunkSizeWarningLimit: 2500,
  },
  server: {
    // `npm run dev` against a gateway on :8000 (make run).
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8000", ws: true },
      "/auth": "http://127.0.0.1:8000",
      "/attachments": "http://127.0.0.1:8000",
    },
  },
});
