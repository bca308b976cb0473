// The PKCS#11 signer against a real token (SoftHSM2): keys generated inside it, signatures checked by
// node:crypto with the SubjectPublicKeySpki the token reported, in the encoding X.509 carries.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSoftHsmToken, SOFTHSM_MISSING, softhsmInstalled, type SoftHsmToken } from "@/test/softhsm";
import type { HashName, KeyAlgorithm } from "@/lib/pki/signer";
import { CK } from "./pkcs11-api";
import { pkcs11Signer } from "./pkcs11-signer";
import { Pkcs11Token } from "./pkcs11-token";
import { detachedSignature, openpgpPublicKey } from "@/lib/pki/openpgp/sign";
import { gpgv, tempDir, toolAvailable } from "@/lib/pki/openpgp/test-tools";

if (!softhsmInstalled) console.warn(SOFTHSM_MISSING);

describe.skipIf(!softhsmInstalled)("PKCS#11 signer on SoftHSM2", () => {
  let hsm: SoftHsmToken;
  let token: Pkcs11Token;

  beforeAll(async () => {
    hsm = createSoftHsmToken("signer-test", "4321");
    token = await Pkcs11Token.open(hsm.config);
  });

  afterAll(() => {
    token?.close();
    hsm?.remove();
  });

  it("uses the same PKCS#11 constants as the pkcs11js addon", () => {
    const addon = createRequire(import.meta.url)("pkcs11js") as Record<string, number>;
    for (const [name, value] of Object.entries(CK)) expect(addon[name], name).toBe(value);
  });

  const cases: [KeyAlgorithm, HashName[]][] = [
    ["ecdsa-p256", ["sha256", "sha384", "sha512"]],
    ["ecdsa-p384", ["sha384", "sha256"]],
    ["rsa-3072", ["sha256", "sha384", "sha512"]],
    ["rsa-4096", ["sha256"]],
  ];
  for (const [algorithm, hashes] of cases) {
    it(`${algorithm}: signs inside the token; node:crypto verifies with the reported public key`, async () => {
      const label = `signer-test ${algorithm}`;
      const spki = await token.generateKeyPair(algorithm, label, crypto.randomBytes(16));
      const publicKey = crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
      if (algorithm.startsWith("ecdsa")) {
        expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(algorithm === "ecdsa-p256" ? "prime256v1" : "secp384r1");
      } else {
        expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(Number(algorithm.slice(4)));
      }
      const signer = pkcs11Signer(async () => token, { label, algorithm, publicKeySpki: spki });
      // Enough messages that some ECDSA r or s has its top bit set or a leading zero byte (the DER edge cases).
      for (const hash of hashes) {
        for (let i = 0; i < 8; i++) {
          const data = crypto.randomBytes(100 + i * 1000);
          const signature = Buffer.from(await signer.sign(data, hash));
          // Default dsaEncoding is "der": a raw r||s signature would not verify here.
          expect(crypto.verify(hash, data, publicKey, signature), `${hash} #${i}`).toBe(true);
          data[0] ^= 1;
          expect(crypto.verify(hash, data, publicKey, signature), `${hash} #${i} tampered`).toBe(false);
        }
      }
      if (algorithm.startsWith("rsa")) {
        // PKCS#1 v1.5 is deterministic: the token's signature must be the one Node would compute, bit for bit
        // recoverable with the public key into exactly EMSA-PKCS1-v1_5(SHA-256(m)).
        const data = Buffer.from("tbs");
        const recovered = crypto.publicDecrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(await signer.sign(data, "sha256")));
        expect(recovered.toString("hex")).toBe("3031300d060960864801650304020105000420" + crypto.createHash("sha256").update(data).digest("hex"));
      }
    });
  }

  for (const algorithm of ["ecdsa-p256", "rsa-3072"] as const) {
    it(`${algorithm}: an OpenPGP store key and a streamed detached signature made inside the token verify with gpgv and openpgp.js`, async () => {
      const label = `signer-test openpgp ${algorithm}`;
      const spki = await token.generateKeyPair(algorithm, label, crypto.randomBytes(16));
      const signer = pkcs11Signer(async () => token, { label, algorithm, publicKeySpki: spki });
      const createdAt = new Date("2026-11-01T00:00:00Z");
      const now = new Date("2026-12-01T00:00:00Z");
      const key = await openpgpPublicKey({ spki, createdAt, userId: "Token store key <hsm@signet.test>", signer, now });
      const chunks = [crypto.randomBytes(70_000), crypto.randomBytes(5), crypto.randomBytes(300_000)];
      async function* parts() {
        yield* chunks;
      }
      const sig = await detachedSignature({ data: parts(), signer, key: { spki, createdAt }, createdAt: now, hash: "sha512" });
      const data = Buffer.concat(chunks);
      // signParts over the pieces equals a signature over the whole (ECDSA is randomized: verified, not compared).
      const whole = await signer.signParts(chunks, "sha256");
      expect(crypto.verify("sha256", data, crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }), whole)).toBe(true);
      const verified = await openpgp.verify({ message: await openpgp.createMessage({ binary: data }), signature: await openpgp.readSignature({ binarySignature: sig }), verificationKeys: await openpgp.readKey({ armoredKey: key.armored }), date: now });
      await expect(verified.signatures[0].verified).resolves.toBe(true);
      if (toolAvailable("gpgv")) {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "bundle"), data);
        fs.writeFileSync(path.join(dir, "bundle.sig"), sig);
        const ok = gpgv(dir, key.binary, [path.join(dir, "bundle.sig"), path.join(dir, "bundle")]);
        expect(ok.status, ok.output).toBe(0);
        data[0] ^= 1;
        fs.writeFileSync(path.join(dir, "bundle"), data);
        expect(gpgv(dir, key.binary, [path.join(dir, "bundle.sig"), path.join(dir, "bundle")]).status).not.toBe(0);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("finds a key again after the session is reopened, and fails clearly once it is destroyed", async () => {
    const label = "signer-test reopen";
    const spki = await token.generateKeyPair("ecdsa-p256", label, crypto.randomBytes(16));
    token.close();
    token = await Pkcs11Token.open(hsm.config);
    const signer = pkcs11Signer(async () => token, { label, algorithm: "ecdsa-p256", publicKeySpki: spki });
    const signature = await signer.sign(Buffer.from("after reopen"), "sha256");
    expect(crypto.verify("sha256", Buffer.from("after reopen"), crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }), signature)).toBe(true);
    token.destroyKeyPair(label);
    await expect(signer.sign(Buffer.from("x"), "sha256")).rejects.toThrow(`expected one private key labelled "${label}"`);
  });

  it("refuses a wrong PIN and an unknown token label without echoing the PIN", async () => {
    // Login state is per process, so the shared session must be gone for the PIN to be checked at all.
    token.close();
    const wrongPin = "99887766";
    const err = await Pkcs11Token.open({ ...hsm.config, pin: { value: wrongPin } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/CKR_PIN_INCORRECT/);
    expect(err?.message).not.toContain(wrongPin);
    await expect(Pkcs11Token.open({ ...hsm.config, tokenLabel: "no-such-token" })).rejects.toThrow('expected one PKCS#11 token labelled "no-such-token", found 0');
    token = await Pkcs11Token.open(hsm.config);
  });
});
