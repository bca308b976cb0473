#!/usr/bin/env node
// The production server: Next.js for the console, the API and the PKI endpoints, with one
// exception — /ocsp is answered on node:http directly, by the handler Signet hands over once its
// instrumentation has started (lib/server/startup/on-server-start.ts). An OCSP answer is a map
// lookup; Next's per-request pipeline would cost several times more than the answer itself.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
// Like `next start`: every interface unless SIGNET_HOST names one. (Not HOSTNAME: containers
// export it as the machine's name, which would hide the server from localhost.)
const hostname = process.env.SIGNET_HOST || undefined;

const app = next({ dev: false, dir: root, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

const isOcsp = (url) => url === "/ocsp" || url.startsWith("/ocsp/") || url.startsWith("/ocsp?");

const server = http.createServer((req, res) => {
  const fast = globalThis.__signetNodeHandlers?.ocsp;
  if (fast && isOcsp(req.url ?? "")) {
    fast(req, res);
    return;
  }
  handle(req, res);
});
// Relying parties and CDNs keep connections open between OCSP and CRL fetches.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  console.log(`▲ Signet ready on http://localhost:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
