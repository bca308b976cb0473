// A stand-in for scripts/server.mjs in test/supervisor.test.ts: a real process that listens on PORT
// (shared through node:cluster) and answers with its pid. FAKE_MODE=crash exits a moment after
// listening (a crash loop); FAKE_MODE=broken exits before listening (a start-up error). Like PGlite,
// it refuses to run while another worker process still holds the data dir.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const holder = path.join(process.env.SIGNET_DATA_DIR, "fake-holder.pid");
try {
  const other = Number(fs.readFileSync(holder, "utf8"));
  process.kill(other, 0);
  if (other !== process.pid && !process.env.DATABASE_URL) {
    console.log(`TWO WORKERS: ${other} still holds the data dir`);
    process.exit(3);
  }
} catch {
  /* nobody holds it */
}
fs.writeFileSync(holder, String(process.pid));
if (process.env.FAKE_MODE === "broken") {
  console.log("fake worker: bad configuration");
  process.exit(7);
}
const server = http.createServer((req, res) => res.end(String(process.pid)));
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`fake worker ${process.pid} listening`));
if (process.env.FAKE_MODE === "crash") setTimeout(() => process.exit(1), 300);
process.on("disconnect", () => process.exit(1));
process.on("SIGTERM", () => {
  console.log(`fake worker ${process.pid} stopping`);
  server.close(() => process.exit(0));
});
