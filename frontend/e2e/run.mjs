// @ts-check
// The browser tests' runner (`make test`, or `npm run e2e` after a build): a live gateway over freshly
// seeded SQLite stores in a temporary DATA_DIR, serving the built app on a free port and running only the
// app's trusted documents, then `node --test` over e2e/*.test.mjs against it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const root = resolve(frontend, "..");
const python = process.env.PYTHON ?? join(root, ".venv", "bin", "python");
const documentsDir = join(frontend, "dist", "documents");

if (!existsSync(join(frontend, "dist", "index.html"))) {
  console.error("frontend/dist is missing: build the app first (make test does, or `npm run build`).");
  process.exit(2);
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "portal-e2e-"));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
// Only what this run sets: no store URL or Redis of the developer's shell may leak in.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(REDIS_|DIRECTORY_DATABASE_URL|REGION_.*_DATABASE_URL|GRAPHQL_|TRUSTED_DOCUMENTS_FILE|SESSION_|GUEST_|ATTEMPTS_)/.test(name),
  ),
);
const env = {
  ...inherited,
  DATA_DIR: dataDir,
  HOST: "127.0.0.1",
  PORT: String(port),
  GATEWAY_ENV: "development",
  COOKIE_SECURE: "false",
  // The app must work with nothing but its registered documents: production can refuse any other.
  GRAPHQL_TRUSTED_DOCUMENTS_ONLY: "true",
  LOG_LEVEL: "WARNING",
  // The suite signs the demo people on from one address dozens of times within minutes: far more than the
  // guessing throttles allow a person (tests/security covers those), so this gateway allows more.
  ATTEMPTS_PER_ADDRESS: "10000",
  ATTEMPTS_PER_ACCOUNT_AND_ADDRESS: "1000",
  ATTEMPTS_PER_ACCOUNT: "1000",
};

/** @param {string[]} args */
function gateway(args) {
  const result = spawnSync(python, ["-m", "gateway", ...args], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`python -m gateway ${args[0]} failed (${result.status})`);
}

/** @type {import("node:child_process").ChildProcess | null} */
let server = null;
let exitCode = 1;
try {
  const started = Date.now();
  gateway(["seed", "--claims-per-region", "100"]);
  const documents = readdirSync(documentsDir).filter((name) => name.endsWith(".graphql"));
  gateway(["trust-documents", ...documents.map((name) => join(documentsDir, name))]);
  server = spawn(python, ["-m", "gateway", "serve"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error("the gateway did not become ready");
    await new Promise((wait) => setTimeout(wait, 200));
  }
  console.log(`gateway ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((name) => name.endsWith(".test.mjs"))
    .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
    .sort()
    .map((name) => join(here, name));
  const tests = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...files], {
    cwd: frontend,
    env: { ...process.env, GATEWAY_URL: baseUrl },
    stdio: "inherit",
  });
  exitCode = tests.status ?? 1;
} catch (error) {
  console.error(error);
} finally {
  if (server?.exitCode === null) {
    const stopped = new Promise((done) => server?.once("exit", done));
    server.kill("SIGTERM");
    await Promise.race([stopped, new Promise((done) => setTimeout(done, 10_000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
