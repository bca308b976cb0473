// A server instance's start-up without the HTTP part: what instrumentation.ts runs (migrations,
// background jobs). test/crash.test.ts starts it after a crash and watches what it repairs.
import { onServerStart } from "../../lib/server/startup/on-server-start";

await onServerStart();
process.stdout.write("started\n");
setInterval(() => {}, 60_000);
