// The store formats sign through the one Signer interface, so a key in a PKCS#11 token (SoftHSM2)
// signs them as a software key does: a Mender artifact by an ECDSA P-256 token key (CKM_ECDSA r||s,
// DER through the Signer, r||s again in manifest.sig) passes mender-artifact; a Dify package by an
// RSA-4096 token key (CKM_RSA_PKCS over a DigestInfo) passes the independent Python and Go checks.
import crypto from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { difyPublicKeyFile } from "@/lib/pki/dify/key-file";
import { signDifyPackage } from "@/lib/pki/dify/sign-package";
import { difyVerifiers } from "@/lib/pki/dify/test-verifiers";
import { tempDir, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { menderPublicKeyFile } from "@/lib/pki/mender/key-file";
import { signMenderArtifact } from "@/lib/pki/mender/sign-artifact";
import { pkcs11Signer } from "@/lib/server/keys/pkcs11-signer";
import { Pkcs11Token } from "@/lib/server/keys/pkcs11-token";
import { createSoftHsmToken, SOFTHSM_MISSING, softhsmInstalled, type SoftHsmToken } from "./softhsm";

if (!softhsmInstalled) console.warn(SOFTHSM_MISSING);

describe.skipIf(!softhsmInstalled)("store formats signed by PKCS#11 keys", () => {
  const dir = tempDir("signet-store-p11-");
  const verifiers = difyVerifiers(dir);
  let hsm: SoftHsmToken;
  let token: Pkcs11Token;

  beforeAll(async () => {
    hsm = createSoftHsmToken("store-formats");
    token = await Pkcs11Token.open(hsm.config);
  });

  afterAll(() => {
    token?.close();
    hsm?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs a Mender artifact with an ECDSA P-256 token key that mender-artifact validates", async () => {
    const publicKeySpki = await token.generateKeyPair("ecdsa-p256", "mender-store", crypto.randomBytes(8));
    const signer = pkcs11Signer(async () => token, { label: "mender-store", algorithm: "ecdsa-p256", publicKeySpki });
    const payload = path.join(dir, "update.bin");
    fs.writeFileSync(payload, crypto.randomBytes(100_000));
    const unsigned = path.join(dir, "a.mender");
    execFileSync("mender-artifact", ["write", "module-image", "-T", "script", "-n", "p11", "-t", "dev", "-o", unsigned, "-f", payload], { stdio: "ignore" });
    const signed = path.join(dir, "a-signed.mender");
    const { signature } = await signMenderArtifact({ inputPath: unsigned, outputPath: signed, signer });
    expect(Buffer.from(signature, "base64")).toHaveLength(64);
    const key = path.join(dir, "mender.pem");
    fs.writeFileSync(key, menderPublicKeyFile(publicKeySpki));
    const r = spawnSync("mender-artifact", ["validate", signed, "-k", key], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("signs a Dify package with an RSA-4096 token key that the independent verifiers accept", async () => {
    const publicKeySpki = await token.generateKeyPair("rsa-4096", "dify-store", crypto.randomBytes(8));
    const signer = pkcs11Signer(async () => token, { label: "dify-store", algorithm: "rsa-4096", publicKeySpki });
    const input = await zipTo(path.join(dir, "p.difypkg"), [
      { name: "manifest.yaml", content: "version: 1.0.0\ntype: plugin\nauthor: acme\nname: tokens\n" },
      { name: "main.py", content: "print('signed in a token')\n" },
    ]);
    const output = path.join(dir, "p-signed.difypkg");
    await signDifyPackage({ inputPath: input, outputPath: output, signer, authorizedCategory: "partner", now: new Date("2026-12-01T00:00:00Z") });
    const key = path.join(dir, "dify.pem");
    fs.writeFileSync(key, difyPublicKeyFile(publicKeySpki));
    expect(verifiers.pythonVerify(output, key)).toMatchObject({ ok: true });
    expect(verifiers.goVerify(output, key)).toMatchObject({ ok: true });
  });
});
