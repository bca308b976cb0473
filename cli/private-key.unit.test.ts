// `signet sign` / `signet issue` take the console's passphrase-encrypted key file (PKCS#8 PBES2)
// with SIGNET_KEY_PASSPHRASE, as well as an unencrypted PEM; a missing or wrong passphrase is a
// clear refusal, never a stack trace. The CLI runs as a subprocess that exits by itself.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encryptPkcs8, pemBlocks } from "../lib/client/key-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-key-"));
const plainKey = path.join(dir, "plain.key");
execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", plainKey], { stdio: "pipe" });
const archive = path.join(dir, "plugin.jpl");
fs.writeFileSync(archive, "not read: the key is read first");
const missingChain = path.join(dir, "no-such-chain.pem");

function sign(key: string, passphrase?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: "" };
  delete env.SIGNET_KEY_PASSPHRASE;
  if (passphrase !== undefined) env.SIGNET_KEY_PASSPHRASE = passphrase;
  return spawnSync(process.execPath, ["cli/signet.mjs", "sign", archive, "--key", key, "--chain", missingChain], { cwd: process.cwd(), env, encoding: "utf8", timeout: 60_000 });
}

describe("signet sign with an encrypted key file", () => {
  it("opens the browser's encrypted PKCS#8 with SIGNET_KEY_PASSPHRASE and refuses without it", async () => {
    const encrypted = path.join(dir, "encrypted.key");
    fs.writeFileSync(encrypted, await encryptPkcs8(pemBlocks(fs.readFileSync(plainKey, "utf8"), "PRIVATE KEY")[0], "cli passphrase"));
    const without = sign(encrypted);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain("is encrypted: set SIGNET_KEY_PASSPHRASE");
    const wrong = sign(encrypted, "not it");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("SIGNET_KEY_PASSPHRASE does not open this key");
    // With the passphrase the key opens, and the command goes on to the next input (the chain).
    const right = sign(encrypted, "cli passphrase");
    expect(right.stderr).not.toContain("SIGNET_KEY_PASSPHRASE");
    expect(right.stderr).toContain("--chain");
    const plain = sign(plainKey);
    expect(plain.stderr).toContain("--chain");
  });
});
