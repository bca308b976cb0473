// The browser's key files, read by OpenSSL (the oracle): the encrypted PKCS#8 opens with its
// passphrase only and says PBES2 / PBKDF2-SHA256 / AES-256-CBC; the PKCS#12 holds the same key and
// the chain, its MAC checks out with the passphrase and fails without it.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPkcs12, encryptPkcs8, KeyFileError, PBKDF2_ITERATIONS, pemBlocks, readPrivateKeyPem, toPem } from "./key-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "key-files-"));
const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function selfSigned(name: string): { keyPem: string; certPem: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", `/O=Key Files/CN=${name}`, "-days", "1"]);
  return { keyPem: fs.readFileSync(key, "utf8"), certPem: fs.readFileSync(cert, "utf8") };
}

describe("browser key files", () => {
  const leaf = selfSigned("com.keyfiles.plugin");
  const other = selfSigned("com.keyfiles.other");
  const pkcs8 = pemBlocks(leaf.keyPem, "PRIVATE KEY")[0];

  it("encrypts PKCS#8 with PBES2 (PBKDF2-SHA256, AES-256-CBC) that openssl opens with the passphrase only", async () => {
    const pem = await encryptPkcs8(pkcs8, "correct horse battery", 20_000);
    const file = path.join(dir, "enc.key");
    fs.writeFileSync(file, pem);
    const asn = openssl(["asn1parse", "-in", file]);
    expect(asn).toContain("PBES2");
    expect(asn).toContain("PBKDF2");
    expect(asn).toContain("hmacWithSHA256");
    expect(asn).toContain("aes-256-cbc");
    const opened = openssl(["pkcs8", "-in", file, "-passin", "pass:correct horse battery"]);
    expect(pemBlocks(opened, "PRIVATE KEY")[0]).toEqual(pkcs8);
    expect(spawnSync("openssl", ["pkcs8", "-in", file, "-passin", "pass:wrong passphrase"]).status).not.toBe(0);
    // And back in the browser's own reader.
    expect(await readPrivateKeyPem(pem, "correct horse battery")).toEqual(pkcs8);
    await expect(readPrivateKeyPem(pem, "wrong passphrase")).rejects.toThrow("The passphrase does not open this key file");
  });

  it("uses a real iteration count by default", async () => {
    const file = path.join(dir, "default.key");
    fs.writeFileSync(file, await encryptPkcs8(pkcs8, "default iterations"));
    expect(openssl(["asn1parse", "-in", file])).toMatch(new RegExp(`INTEGER\\s+:0*${PBKDF2_ITERATIONS.toString(16).toUpperCase()}\\n`));
  });

  it("reads an encrypted key openssl wrote", async () => {
    const file = path.join(dir, "openssl-enc.key");
    openssl(["pkcs8", "-topk8", "-in", path.join(dir, "com.keyfiles.plugin.key"), "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-passout", "pass:from openssl", "-out", file]);
    expect(await readPrivateKeyPem(fs.readFileSync(file, "utf8"), "from openssl")).toEqual(pkcs8);
  });

  it("builds a PKCS#12 that openssl reads with the passphrase: the same key and the certificate", async () => {
    const p12 = await buildPkcs12(pkcs8, pemBlocks(leaf.certPem, "CERTIFICATE"), "p12 passphrase", "com.keyfiles.plugin", 20_000);
    const file = path.join(dir, "bundle.p12");
    fs.writeFileSync(file, p12);
    const info = execFileSync("openssl", ["pkcs12", "-info", "-in", file, "-passin", "pass:p12 passphrase", "-nodes"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(info).toContain("friendlyName: com.keyfiles.plugin");
    expect(pemBlocks(info, "PRIVATE KEY")[0]).toEqual(pkcs8);
    expect(pemBlocks(info, "CERTIFICATE")[0]).toEqual(pemBlocks(leaf.certPem, "CERTIFICATE")[0]);
    const mac = spawnSync("openssl", ["pkcs12", "-info", "-in", file, "-passin", "pass:p12 passphrase", "-noout"], { encoding: "utf8" });
    expect(mac.stderr).toMatch(/MAC: sha256/);
    expect(mac.stderr).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(spawnSync("openssl", ["pkcs12", "-info", "-in", file, "-passin", "pass:not the passphrase", "-noout"]).status).not.toBe(0);
  });

  it("refuses a key that is not the certificate's, and short passphrases", async () => {
    await expect(buildPkcs12(pkcs8, pemBlocks(other.certPem, "CERTIFICATE"), "p12 passphrase", "x")).rejects.toThrow(KeyFileError);
    await expect(encryptPkcs8(pkcs8, "short")).rejects.toThrow("at least 8 characters");
    expect(toPem(crypto.randomBytes(100), "X")).toMatch(/^-----BEGIN X-----\n/);
  });
});
