// `npm start`'s supervisor with a stand-in worker (test/supervisor/fake-worker.mjs).
import path from "node:path";
import { serveSupervised } from "../../lib/server/startup/serve-supervised";

process.exit(await serveSupervised(path.resolve("test/supervisor/fake-worker.mjs"), []));
