#!/usr/bin/env node
// The production server (one worker under the supervisor, lib/server/startup/supervise-workers.ts):
// Next.js for the console, the API and the PKI endpoints, with one exception — /ocsp is answered on
// node:http directly, by the handler Signet hands over once its instrumentation has started
// (lib/server/startup/on-server-start.ts). An OCSP answer is a map lookup; Next's per-request
// pipeline would cost several times more than the answer itself.
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
// Like `next start`: every interface unless SIGNET_HOST names one. (Not HOSTNAME: containers
// export it as the machine's name, which would hide the server from localhost.)
const hostname = process.env.SIGNET_HOST || undefined;
const millis = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

// Timeouts (docs/operations.md). A slow client may hold a connection only while it makes progress:
// - headers must be complete within 20 s of the request's first byte (slowloris);
// - a request body that stops arriving for 30 s is cut off: a client that declared more
//   Content-Length than it sends is gone after 30 s, not after Node's 5-minute default;
// - any request must be received whole within 15 min: a 256 MiB archive at ~2.5 Mbit/s, a 100 MB
//   one at ~0.9 Mbit/s, which is a slow uplink, not a broken one.
// Responses are not timed: issuing a million-entry CRL or signing a large archive takes what it takes.
const HEADERS_TIMEOUT_MS = millis("SIGNET_HEADERS_TIMEOUT_MS", 20_000);
const BODY_IDLE_TIMEOUT_MS = millis("SIGNET_BODY_IDLE_TIMEOUT_MS", 30_000);
const REQUEST_TIMEOUT_MS = Math.max(millis("SIGNET_REQUEST_TIMEOUT_MS", 15 * 60_000), HEADERS_TIMEOUT_MS);
// Relying parties and CDNs keep connections open between OCSP and CRL fetches.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SHUTDOWN_GRACE_MS = 10_000;

const app = next({ dev: false, dir: root, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

const isOcsp = (url) => url === "/ocsp" || url.startsWith("/ocsp/") || url.startsWith("/ocsp?");
const expectsBody = (req) => Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;

/**
 * Cuts a request whose body stops arriving. Watches the socket's byte count rather than setting a
 * socket timeout, which would fight Node's own keep-alive timer on the same socket, and rather than
 * reading the body, which belongs to Next.
 */
function cutOffStalledBody(req, res) {
  if (!expectsBody(req)) return;
  const socket = req.socket;
  let seen = socket.bytesRead;
  let lastProgress = Date.now();
  const timer = setInterval(() => {
    if (req.complete || socket.destroyed) return clearInterval(timer);
    if (socket.bytesRead !== seen) {
      seen = socket.bytesRead;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress >= BODY_IDLE_TIMEOUT_MS) {
      clearInterval(timer);
      socket.destroy();
    }
  }, Math.min(1_000, Math.ceil(BODY_IDLE_TIMEOUT_MS / 4)));
  res.once("close", () => clearInterval(timer));
}

// A page cannot set its own status in Next.js: one that met a database outage marks its request
// (lib/server/http/response-marks.ts) and is answered 503 with Retry-After here, instead of 200
// (the outage page) or 500 (an error page). Node writes every status line through writeHead.
const responseMarks = new AsyncLocalStorage();
globalThis.__signetResponseMarks = responseMarks;

function handleMarked(req, res) {
  const marks = {};
  const writeHead = res.writeHead;
  res.writeHead = function (statusCode, ...rest) {
    if (!marks.databaseUnavailable || (statusCode !== 200 && statusCode !== 500)) return writeHead.call(this, statusCode, ...rest);
    this.setHeader("retry-after", String(marks.retryAfter ?? 5));
    this.setHeader("cache-control", "no-store");
    if (typeof rest[0] === "string") rest.shift();
    return writeHead.call(this, 503, ...rest);
  };
  responseMarks.run(marks, () => handle(req, res));
}

const onRequest = (req, res) => {
  cutOffStalledBody(req, res);
  const fast = globalThis.__signetNodeHandlers?.ocsp;
  if (fast && isOcsp(req.url ?? "")) {
    fast(req, res);
    return;
  }
  handleMarked(req, res);
};
const options = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  // How often the two timeouts above are checked (Node's default is 30 s, which would stretch them).
  connectionsCheckingInterval: Math.min(2_000, HEADERS_TIMEOUT_MS),
};

// Next runs instrumentation (database, migrations, background jobs, the OCSP handler) at its first
// request, not in prepare(). Make that request here, on a private port, so that the shared port is
// taken — and the supervisor hears "listening" — only once this worker can answer, and connections
// never queue behind a worker that is still starting.
async function warmUp() {
  const probe = http.createServer(options, onRequest);
  await new Promise((resolve) => probe.listen({ port: 0, host: "127.0.0.1", exclusive: true }, resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${probe.address().port}/api/v1/health`, { signal: AbortSignal.timeout(120_000) });
    await res.arrayBuffer();
  } catch (err) {
    console.error("[signet] warm-up request failed:", err instanceof Error ? err.message : err);
  } finally {
    probe.closeAllConnections();
    probe.close();
  }
}
await warmUp();

const server = http.createServer(options, onRequest);
server.listen(port, hostname, () => {
  console.log(`▲ Signet ready on http://localhost:${port} (pid ${process.pid})`);
});

// A worker whose supervisor is gone (killed outright) must not go on holding the data dir.
process.on("disconnect", () => process.exit(1));

// SIGTERM from the supervisor (or SIGINT from a terminal's Ctrl-C, which reaches every process of the
// group): stop accepting, let requests in flight finish for a while, close the database, exit.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const exit = async () => {
      await globalThis.__signetNodeHandlers?.shutdown?.().catch(() => {});
      process.exit(0);
    };
    server.close(() => void exit());
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      void exit();
    }, SHUTDOWN_GRACE_MS).unref();
  });
}
