// @ts-check
// ESLint (`npm run lint`, run by `make test`): JavaScript's and typescript-eslint's recommended rules with
// type information, and React's rules of hooks with the React Compiler's checks (eslint-plugin-react-hooks).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "src/graphql/generated/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat["recommended-latest"]],
    languageOptions: { globals: globals.browser },
  },
  {
    // The build, its configuration and the browser tests run in Node.
    files: ["build/**", "e2e/**", "*.config.{js,ts}", "codegen.ts"],
    languageOptions: { globals: globals.node },
  },
  {
    // The browser tests hand functions to the page (`page.evaluate`), and node:test settles its own tests.
    files: ["e2e/**"],
    languageOptions: { globals: globals.browser },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it"] }] },
      ],
    },
  },
);
