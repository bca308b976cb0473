// The master key that wraps every software-held private key: SIGNET_MASTER_KEY, or a key file in the
// data dir created once (mode 0600) at init. Losing it loses every hosted key; it is never logged.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../../env";

let cached: Buffer | undefined;

export function masterKeyPath(): string {
  return path.join(env().dataDir, "master.key");
}

/** Reads the master key, creating the key file on first use when no SIGNET_MASTER_KEY is configured. */
export function masterKey(): Buffer {
  if (cached) return cached;
  const fromEnv = env().masterKeyBase64;
  if (fromEnv) {
    cached = Buffer.from(fromEnv, "base64");
    return cached;
  }
  const file = masterKeyPath();
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      // wx: never overwrite a key another process just created.
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Error(`The master key file ${file} does not hold 32 bytes of base64`);
  cached = key;
  return cached;
}

/** The master key when one is configured or its file exists; never creates one (for read-only checks). */
export function masterKeyIfPresent(): Buffer | undefined {
  if (cached || env().masterKeyBase64 || fs.existsSync(masterKeyPath())) return masterKey();
  return undefined;
}
