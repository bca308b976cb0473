#!/usr/bin/env node
// The `signet` command. Runs the TypeScript sources through tsx so the CLI and the server share
// one implementation of every workflow (lib/server) and every format (lib/pki).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.env.SIGNET_APP_ROOT ??= root;
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
