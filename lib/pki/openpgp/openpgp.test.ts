// Store signing keys and detached signatures made through the Signer interface, checked by verifiers
// Signet did not write: gpgv, Go's golang.org/x/crypto/openpgp (what Mattermost runs) and openpgp.js.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner, type KeyAlgorithm, type Signer } from "../signer";
import { armor, crc24, dearmor, OpenPgpError } from "./packets";
import { armorSignature, canonicalCleartext, cleartextSign, detachedSignature, openpgpPublicKey, type OpenPgpPublicKey } from "./sign";
import { buildGoVerifier, gpgv, run, tempDir, toolAvailable } from "./test-tools";

const hasGpgv = toolAvailable("gpgv");
const hasGo = toolAvailable("go");
const CREATED = new Date("2026-11-30T12:00:00Z");
const NOW = new Date("2026-12-01T09:30:00Z");

type Fixture = { signer: Signer; pub: OpenPgpPublicKey };

async function makeKey(algorithm: KeyAlgorithm, userId = `Signet store key (${algorithm}) <store@signet.test>`): Promise<Fixture> {
  const signer = softwareSigner(generateKeyPair(algorithm).privateKey, algorithm);
  const pub = await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: CREATED, userId, signer, now: NOW });
  return { signer, pub };
}

async function* chunksOf(file: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
}

const ALGORITHMS: KeyAlgorithm[] = ["rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384"];

describe("OpenPGP store keys and detached signatures", () => {
  const keys = new Map<KeyAlgorithm, Fixture>();
  let foreign: Fixture;
  let dir: string;
  let goVerify: string | undefined;

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    dir = tempDir();
    for (const a of ALGORITHMS) keys.set(a, await makeKey(a));
    foreign = await makeKey("ecdsa-p256", "Someone else <else@example.test>");
    if (hasGo) goVerify = buildGoVerifier("mattermost-verify");
  }, 120_000);

  it("armor: CRC-24 of RFC 4880 §6.1 and a round trip", () => {
    // crc24("123456789") is 0x21CF02 for this CRC (init 0xB704CE, poly 0x864CFB).
    expect(crc24(Buffer.from("123456789")).toString(16)).toBe("21cf02");
    const data = crypto.randomBytes(300);
    expect(dearmor("PGP SIGNATURE", armor("PGP SIGNATURE", data)).equals(data)).toBe(true);
    const broken = armor("PGP SIGNATURE", data).replace(/\n([A-Za-z0-9+/])/, (_m, c: string) => `\n${c === "A" ? "B" : "A"}`);
    expect(() => dearmor("PGP SIGNATURE", broken)).toThrow(OpenPgpError);
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: openpgp.js reads the key, its fingerprint and key ID, and verifies the self-certification`, async () => {
      const { pub } = keys.get(algorithm)!;
      const key = await openpgp.readKey({ armoredKey: pub.armored });
      expect(key.getFingerprint()).toBe(pub.fingerprint);
      expect(key.getKeyID().toHex()).toBe(pub.keyId);
      expect(pub.keyId).toBe(pub.fingerprint.slice(24));
      expect(key.getCreationTime().getTime()).toBe(CREATED.getTime());
      expect(key.getAlgorithmInfo().algorithm).toBe(algorithm.startsWith("rsa") ? "rsaEncryptSign" : "ecdsa");
      // verifyPrimaryKey checks the self-signature of the primary user.
      await expect(key.verifyPrimaryKey(NOW)).resolves.toBeUndefined();
      const { user } = await key.getPrimaryUser(NOW);
      expect(user.userID?.userID).toContain("store@signet.test");
    });

    for (const hash of algorithm === "ecdsa-p384" ? (["sha512"] as const) : (["sha256", "sha512"] as const)) {
      it(`${algorithm}/${hash}: gpgv, Go x/crypto/openpgp (Mattermost's verifier) and openpgp.js accept the signature; a tampered bundle and a foreign key fail`, async () => {
        const { signer, pub } = keys.get(algorithm)!;
        const bundle = path.join(dir, `bundle-${algorithm}-${hash}.tar.gz`);
        fs.writeFileSync(bundle, crypto.randomBytes(200_000 + ALGORITHMS.indexOf(algorithm)));
        const sig = await detachedSignature({ data: chunksOf(bundle), signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash });
        const sigFile = `${bundle}.sig`;
        fs.writeFileSync(sigFile, sig);
        fs.writeFileSync(`${bundle}.asc`, armorSignature(sig));
        const tampered = path.join(dir, `tampered-${algorithm}-${hash}.tar.gz`);
        const bytes = fs.readFileSync(bundle);
        bytes[bytes.length >> 1] ^= 0x01;
        fs.writeFileSync(tampered, bytes);
        const keyFile = path.join(dir, `key-${algorithm}.asc`);
        fs.writeFileSync(keyFile, pub.armored);
        const foreignFile = path.join(dir, "foreign.asc");
        fs.writeFileSync(foreignFile, foreign.pub.armored);

        // openpgp.js, always available (a dev dependency).
        const message = await openpgp.createMessage({ binary: fs.readFileSync(bundle) });
        const signature = await openpgp.readSignature({ binarySignature: sig });
        const key = await openpgp.readKey({ armoredKey: pub.armored });
        const verified = await openpgp.verify({ message, signature, verificationKeys: key, date: NOW });
        await expect(verified.signatures[0].verified).resolves.toBe(true);
        expect(verified.signatures[0].keyID.toHex()).toBe(pub.keyId);
        const bad = await openpgp.verify({ message: await openpgp.createMessage({ binary: bytes }), signature, verificationKeys: key, date: NOW });
        await expect(bad.signatures[0].verified).rejects.toThrow();

        if (hasGpgv) {
          const ok = gpgv(dir, pub.binary, [sigFile, bundle]);
          expect(ok.status, ok.output).toBe(0);
          expect(ok.output).toContain(pub.fingerprint.toUpperCase().slice(-16));
          expect(gpgv(dir, pub.binary, [`${bundle}.asc`, bundle]).status).toBe(0);
          const t = gpgv(dir, pub.binary, [sigFile, tampered]);
          expect(t.status, t.output).not.toBe(0);
          expect(t.output).toMatch(/BAD signature/);
          const f = gpgv(dir, foreign.pub.binary, [sigFile, bundle]);
          expect(f.status, f.output).not.toBe(0);
        }
        if (goVerify) {
          const ok = run(goVerify, [keyFile, sigFile, bundle]);
          expect(ok.output.trim()).toBe(`OK ${pub.keyId}`);
          expect(ok.status).toBe(0);
          // Armored key and armored signature, as Mattermost's decodeIfArmored also accepts.
          expect(run(goVerify, [keyFile, `${bundle}.asc`, bundle]).status).toBe(0);
          const t = run(goVerify, [keyFile, sigFile, tampered]);
          expect(t.status).toBe(1);
          expect(t.output).toMatch(/verification failure|signature/i);
          const f = run(goVerify, [foreignFile, sigFile, bundle]);
          expect(f.status).toBe(1);
          expect(f.output).toMatch(/signature made by unknown entity/);
        }
      });
    }
  }

  it("the binary key (not armored) is what gpgv's --keyring takes and Go's ReadKeyRing reads too", async () => {
    if (!goVerify) return;
    const { signer, pub } = keys.get("ecdsa-p384")!;
    const data = Buffer.from("hello bundle");
    const file = path.join(dir, "small.bin");
    fs.writeFileSync(file, data);
    fs.writeFileSync(`${file}.sig`, await detachedSignature({ data, signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha512" }));
    fs.writeFileSync(`${file}.gpg`, pub.binary);
    expect(run(goVerify, [`${file}.gpg`, `${file}.sig`, file]).output.trim()).toBe(`OK ${pub.keyId}`);
  });

  it("a key exported with its own revocation: openpgp.js sees it revoked, Go's x/crypto/openpgp (Mattermost) no longer accepts its signatures", async () => {
    const { signer, pub } = keys.get("ecdsa-p256")!;
    const revoked = await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: CREATED, userId: "Signet store key (ecdsa-p256) <store@signet.test>", signer, now: NOW, revocation: { at: NOW, reason: "superseded", comment: "rotated" } });
    expect(revoked.fingerprint).toBe(pub.fingerprint);
    const key = await openpgp.readKey({ armoredKey: revoked.armored });
    await expect(key.verifyPrimaryKey(NOW)).rejects.toThrow(/revoked/i);
    await expect(key.isRevoked(undefined, undefined, NOW)).resolves.toBe(true);
    await expect((await openpgp.readKey({ armoredKey: pub.armored })).isRevoked(undefined, undefined, NOW)).resolves.toBe(false);
    await expect(openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: CREATED, userId: "x", signer, now: NOW, revocation: { at: new Date(NOW.getTime() + 1000), reason: "retired" } })).rejects.toThrow(/between/);
    if (!goVerify) return;
    const data = Buffer.from("a bundle signed before the rotation");
    const file = path.join(dir, "rev.bin");
    fs.writeFileSync(file, data);
    fs.writeFileSync(`${file}.sig`, await detachedSignature({ data, signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha256" }));
    fs.writeFileSync(`${file}.key.asc`, pub.armored);
    fs.writeFileSync(`${file}.revoked.asc`, revoked.armored);
    expect(run(goVerify, [`${file}.key.asc`, `${file}.sig`, file]).status).toBe(0);
    const r = run(goVerify, [`${file}.revoked.asc`, `${file}.sig`, file]);
    expect(r.status, r.output).toBe(1);
    expect(r.output).toMatch(/unknown entity/);
  });

  it("rotation overlap: one .sig holding the old and the next key's signatures verifies in Go's x/crypto/openpgp under either key alone", async () => {
    if (!goVerify) return;
    const old = keys.get("rsa-3072")!;
    const next = keys.get("ecdsa-p384")!;
    const data = crypto.randomBytes(10_000);
    const file = path.join(dir, "overlap.bin");
    fs.writeFileSync(file, data);
    const sigOf = (k: Fixture) => detachedSignature({ data, signer: k.signer, key: { spki: k.signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha512" });
    // Concatenated signature packets are one OpenPGP message; CheckDetachedSignature uses the first whose key it holds.
    fs.writeFileSync(`${file}.sig`, Buffer.concat([await sigOf(old), await sigOf(next)]));
    for (const k of [old, next]) {
      fs.writeFileSync(`${file}.asc`, k.pub.armored);
      expect(run(goVerify, [`${file}.asc`, `${file}.sig`, file]).output.trim()).toBe(`OK ${k.pub.keyId}`);
    }
    fs.writeFileSync(`${file}.asc`, foreign.pub.armored);
    expect(run(goVerify, [`${file}.asc`, `${file}.sig`, file]).status).toBe(1);
  });

  it("streams: a 100 MB bundle is signed chunk by chunk without holding it, and gpgv accepts it", async () => {
    const { signer, pub } = keys.get("rsa-3072")!;
    const big = path.join(dir, "big.tar.gz");
    const out = fs.openSync(big, "w");
    const block = crypto.randomBytes(1 << 20);
    for (let i = 0; i < 100; i++) {
      block[0] = i;
      fs.writeSync(out, block);
    }
    fs.closeSync(out);
    let chunks = 0;
    let largest = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const c of chunksOf(big)) {
        chunks++;
        largest = Math.max(largest, c.length);
        yield c;
      }
    }
    const sig = await detachedSignature({ data: counted(), signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha256" });
    expect(chunks).toBe(100);
    expect(largest).toBeLessThanOrEqual(1 << 20);
    fs.writeFileSync(`${big}.sig`, sig);
    if (hasGpgv) {
      const ok = gpgv(dir, pub.binary, [`${big}.sig`, big]);
      expect(ok.status, ok.output).toBe(0);
    } else {
      const message = await openpgp.createMessage({ binary: fs.readFileSync(big) });
      const v = await openpgp.verify({ message, signature: await openpgp.readSignature({ binarySignature: sig }), verificationKeys: await openpgp.readKey({ armoredKey: pub.armored }), date: NOW });
      await expect(v.signatures[0].verified).resolves.toBe(true);
    }
    fs.rmSync(big);
  }, 120_000);

  it("refuses what verifiers would reject or what would silently change the fingerprint", async () => {
    const { signer } = keys.get("ecdsa-p256")!;
    const spki = signer.publicKeySpki;
    await expect(openpgpPublicKey({ spki, createdAt: new Date(NOW.getTime() + 1000), userId: "x", signer, now: NOW })).rejects.toThrow(/future/);
    await expect(openpgpPublicKey({ spki, createdAt: new Date(CREATED.getTime() + 1), userId: "x", signer, now: NOW })).rejects.toThrow(/whole second/);
    await expect(openpgpPublicKey({ spki, createdAt: CREATED, userId: "a\nb", signer, now: NOW })).rejects.toThrow(/one non-empty line/);
    await expect(openpgpPublicKey({ spki: foreign.signer.publicKeySpki, createdAt: CREATED, userId: "x", signer, now: NOW })).rejects.toThrow(/does not hold/);
    await expect(detachedSignature({ data: Buffer.from("x"), signer, key: { spki, createdAt: CREATED }, createdAt: new Date(CREATED.getTime() - 1000), hash: "sha256" })).rejects.toThrow(/predate/);
    const p384 = keys.get("ecdsa-p384")!.signer;
    await expect(detachedSignature({ data: Buffer.from("x"), signer: p384, key: { spki: p384.publicKeySpki, createdAt: CREATED }, createdAt: NOW, hash: "sha256" })).rejects.toThrow(/384-bit curve/);
    const rsa2048 = softwareSigner(generateKeyPair("rsa-2048").privateKey);
    await expect(openpgpPublicKey({ spki: rsa2048.publicKeySpki, createdAt: CREATED, userId: "x", signer: rsa2048, now: NOW })).rejects.toThrow(/RSA-3072 or RSA-4096/);
    const ed = crypto.generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" });
    await expect(openpgpPublicKey({ spki: ed, createdAt: CREATED, userId: "x", signer, now: NOW })).rejects.toThrow(OpenPgpError);
    const secp256k1 = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey.export({ type: "spki", format: "der" });
    await expect(openpgpPublicKey({ spki: secp256k1, createdAt: CREATED, userId: "x", signer, now: NOW })).rejects.toThrow(/P-256 and P-384/);
    await expect(openpgpPublicKey({ spki: Buffer.from("3003020100", "hex"), createdAt: CREATED, userId: "x", signer, now: NOW })).rejects.toThrow(OpenPgpError);
  });

  describe("cleartext signatures (RFC 4880 §7)", () => {
    it("canonicalizes: trailing whitespace stripped, CRLF, no final line ending", () => {
      expect(canonicalCleartext("a  \nb\t\r\nc\n").toString()).toBe("a\r\nb\r\nc\r\n");
      expect(canonicalCleartext("x\ny").toString()).toBe("x\r\ny");
    });

    for (const algorithm of ["rsa-3072", "ecdsa-p256"] as const) {
      it(`${algorithm}: gpgv and openpgp.js verify a dash-escaped text with trailing whitespace; an edit fails`, async () => {
        const { signer, pub } = keys.get(algorithm)!;
        const text = '{\n  "a": 1,   \n-----BEGIN PGP SIGNATURE-----\n- dash\nFrom me\n  "z": "end"\n}';
        const signed = await cleartextSign({ text, signer, key: { spki: signer.publicKeySpki, createdAt: CREATED }, createdAt: NOW });
        expect(signed).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n/);
        expect(signed).toContain("\n- -----BEGIN PGP SIGNATURE-----\n- - dash\n");
        const message = await openpgp.readCleartextMessage({ cleartextMessage: signed });
        const v = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: pub.armored }), date: NOW });
        await expect(v.signatures[0].verified).resolves.toBe(true);
        expect(v.data).toBe(text.split("\n").map((l) => l.trimEnd()).join("\n"));
        if (hasGpgv) {
          const file = path.join(dir, `clear-${algorithm}.txt`);
          fs.writeFileSync(file, signed);
          const ok = gpgv(dir, pub.binary, [file]);
          expect(ok.status, ok.output).toBe(0);
          fs.writeFileSync(file, signed.replace('"end"', '"End"'));
          expect(gpgv(dir, pub.binary, [file]).status).not.toBe(0);
        }
      });
    }
  });
});
