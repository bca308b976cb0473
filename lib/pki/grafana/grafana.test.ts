// Grafana plugin signing: the zip is built here, signed through the Signer, then checked by verifiers
// Signet did not write — gpgv on MANIFEST.txt, Go's ProtonMail/go-crypto clearsign + CheckDetachedSignature
// (what Grafana runs), openpgp.js — and by the manifest rules of FORMATS.md §6 applied in Python over the
// unpacked plugin. Signet's own verifier is then held to the same verdicts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as openpgp from "openpgp";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { mutatedBytes } from "../archive/test-mutations";
import { rewriteArchive, zipTo, type FixtureEntry } from "../jpl/test-fixtures";
import { generateKeyPair, softwareSigner, type KeyAlgorithm, type Signer } from "../signer";
import { openpgpPublicKey, type OpenPgpPublicKey } from "../openpgp/sign";
import { buildGoVerifier, gpgv, run, tempDir, toolAvailable } from "../openpgp/test-tools";
import { grafanaKeysDocument } from "./keys-endpoint";
import { cleanPath, GrafanaManifestError, goUrl, rootUrlMatches } from "./manifest";
import { signGrafanaPlugin, type SignGrafanaInput } from "./sign-plugin";
import { verifyGrafanaPlugin } from "./verify-plugin";
import { PY_RULES } from "./test-manifest-rules";

const hasGpgv = toolAvailable("gpgv");
const hasGo = toolAvailable("go");
const CREATED = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-12-01T11:00:00Z");
const ID = "acme-demo-panel";

function pluginZipEntries(id = ID, version = "1.4.0"): FixtureEntry[] {
  return [
    { name: `${id}/`, dir: true },
    { name: `${id}/plugin.json`, content: JSON.stringify({ type: "panel", name: "Demo", id, info: { version, updated: "2026-11-30" } }, null, 2) },
    { name: `${id}/module.js`, content: "define([], function () { return {}; });\n".repeat(200) },
    { name: `${id}/module.js.map`, content: "{}", compress: false },
    { name: `${id}/img/`, dir: true },
    { name: `${id}/img/logo.svg`, content: "<svg xmlns='http://www.w3.org/2000/svg'/>" },
    { name: `${id}/README.md`, content: "# Demo  \n- item\n" },
    { name: `${id}/LICENSE`, content: "" },
  ];
}

type Key = { signer: Signer; pub: OpenPgpPublicKey };
async function makeKey(algorithm: KeyAlgorithm): Promise<Key> {
  const signer = softwareSigner(generateKeyPair(algorithm).privateKey, algorithm);
  return { signer, pub: await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: CREATED, userId: "Signet Grafana store <grafana@signet.test>", signer, now: NOW }) };
}

// The entries of two zips, name → content, read by Python's zipfile (not by Signet's reader).
const PY_ENTRIES = String.raw`
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename, hashlib.sha256(z.read(i)).hexdigest(), i.external_attr >> 16] for i in z.infolist()]))
`;

function py(script: string, args: string[]): string {
  return execFileSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8" });
}

describe("Grafana MANIFEST.txt", () => {
  let dir: string;
  let unsignedZip: string;
  const keys = new Map<KeyAlgorithm, Key>();
  let foreign: Key;
  let goVerify: string | undefined;
  let goVerifyXcrypto: string | undefined;

  const sign = (over: Omit<Partial<SignGrafanaInput>, "key"> & { key: Key; name: string }) => {
    const { key, name, ...rest } = over;
    return signGrafanaPlugin({
      inputPath: unsignedZip,
      outputPath: path.join(dir, name),
      signer: key.signer,
      key: { spki: key.signer.publicKeySpki, createdAt: CREATED },
      signatureType: "private",
      signedByOrg: "acme",
      signedByOrgName: "Acme Corp",
      rootUrls: ["https://grafana.acme.test/"],
      now: NOW,
      ...rest,
    });
  };

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    dir = tempDir("signet-grafana-");
    unsignedZip = await zipTo(path.join(dir, "unsigned.zip"), pluginZipEntries());
    for (const a of ["rsa-3072", "ecdsa-p256", "ecdsa-p384"] as const) keys.set(a, await makeKey(a));
    foreign = await makeKey("ecdsa-p256");
    if (hasGo) goVerify = buildGoVerifier("grafana-verify");
    if (hasGo) goVerifyXcrypto = buildGoVerifier("grafana-verify-xcrypto");
  }, 120_000);

  for (const algorithm of ["rsa-3072", "ecdsa-p256", "ecdsa-p384"] as const) {
    it(`${algorithm}: gpgv, ProtonMail go-crypto (Grafana's verifier) and openpgp.js verify MANIFEST.txt; the rules of §6 hold over the unpacked plugin; original entries are byte-identical`, async () => {
      const key = keys.get(algorithm)!;
      const signedZip = path.join(dir, `signed-${algorithm}.zip`);
      const result = await sign({ key, name: `signed-${algorithm}.zip` });
      expect(result).toMatchObject({ pluginId: ID, version: "1.4.0" });
      expect(result.manifest).toMatchObject({ manifestVersion: "2.0.0", signatureType: "private", signedByOrg: "acme", signedByOrgName: "Acme Corp", rootUrls: ["https://grafana.acme.test/"], plugin: ID, version: "1.4.0", time: NOW.getTime(), keyId: key.pub.keyId });
      expect(Object.keys(result.manifest.files)).toEqual(["LICENSE", "README.md", "img/logo.svg", "module.js", "module.js.map", "plugin.json"]);

      const unpacked = path.join(dir, `unpacked-${algorithm}`);
      const rules = JSON.parse(py(PY_RULES, [signedZip, unpacked, key.pub.keyId]));
      expect(rules.problems).toEqual([]);
      const manifestFile = path.join(unpacked, ID, "MANIFEST.txt");
      expect(fs.readFileSync(manifestFile, "utf8")).toBe(result.manifestText);

      const before: [string, string, number][] = JSON.parse(py(PY_ENTRIES, [unsignedZip]));
      const after: [string, string, number][] = JSON.parse(py(PY_ENTRIES, [signedZip]));
      expect(after.slice(0, -1).map(([n, h]) => [n, h])).toEqual(before.map(([n, h]) => [n, h]));
      expect(after.at(-1)![0]).toBe(`${ID}/MANIFEST.txt`);

      const message = await openpgp.readCleartextMessage({ cleartextMessage: result.manifestText });
      const v = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: key.pub.armored }), date: NOW });
      await expect(v.signatures[0].verified).resolves.toBe(true);
      expect(JSON.parse(v.data as string).keyId).toBe(key.pub.keyId);

      if (hasGpgv) {
        const ok = gpgv(dir, key.pub.binary, [manifestFile]);
        expect(ok.status, ok.output).toBe(0);
        expect(gpgv(dir, foreign.pub.binary, [manifestFile]).status).not.toBe(0);
        const edited = path.join(dir, `edited-${algorithm}.txt`);
        fs.writeFileSync(edited, result.manifestText.replace('"version": "1.4.0"', '"version": "1.4.1"'));
        expect(gpgv(dir, key.pub.binary, [edited]).status).not.toBe(0);
      }
      if (goVerify) {
        // The key as the keys endpoint serves it, exactly what Grafana stores and reads back.
        const doc = grafanaKeysDocument([{ keyId: key.pub.keyId, public: key.pub.armored, since: CREATED }]);
        const keyFile = path.join(dir, `grafana-key-${algorithm}.asc`);
        fs.writeFileSync(keyFile, doc.items[0].public);
        const ok = run(goVerify, [keyFile, manifestFile]);
        expect(ok.output.split("\n")[0]).toBe(`OK ${key.pub.keyId}`);
        expect(JSON.parse(ok.output.slice(ok.output.indexOf("\n") + 1))).toEqual(result.manifest);
        // Grafana releases before ProtonMail/go-crypto ran golang.org/x/crypto/openpgp: it accepts it too.
        expect(run(goVerifyXcrypto!, [keyFile, manifestFile]).output.split("\n")[0]).toBe(`OK ${key.pub.keyId}`);
        const foreignFile = path.join(dir, "grafana-foreign.asc");
        fs.writeFileSync(foreignFile, foreign.pub.armored);
        expect(run(goVerify, [foreignFile, manifestFile]).status).toBe(1);
        const edited = path.join(dir, `edited-go-${algorithm}.txt`);
        fs.writeFileSync(edited, result.manifestText.replace('"plugin.json"', '"plugin.jsoN"'));
        expect(run(goVerify, [keyFile, edited]).status).toBe(1);
      }

      const verdict = await verifyGrafanaPlugin({ zipPath: signedZip, keys: [{ spki: key.signer.publicKeySpki, createdAt: CREATED }], appUrl: "https://grafana.acme.test", now: NOW });
      expect(verdict).toMatchObject({ status: "valid", keyId: key.pub.keyId, rootUrlsChecked: true });
    });
  }

  it("Signet's verifier gives Grafana's verdicts: modified, invalid, unsigned", async () => {
    const key = keys.get("ecdsa-p256")!;
    const keyRef = [{ spki: key.signer.publicKeySpki, createdAt: CREATED }];
    const signedZip = path.join(dir, "v-signed.zip");
    await sign({ key, name: "v-signed.zip" });
    const verify = (zipPath: string, over: Partial<Parameters<typeof verifyGrafanaPlugin>[0]> = {}) => verifyGrafanaPlugin({ zipPath, keys: keyRef, appUrl: "https://grafana.acme.test/", now: NOW, ...over });
    const rules = (zipPath: string, tag: string) => JSON.parse(py(PY_RULES, [zipPath, path.join(dir, `rules-${tag}`), key.pub.keyId])).problems as string[];

    const changed = await rewriteArchive(signedZip, path.join(dir, "v-changed.zip"), { replace: { [`${ID}/module.js`]: "evil()" } });
    expect(await verify(changed)).toMatchObject({ status: "modified", files: { changed: ["module.js"], missing: [], unlisted: [] } });
    expect(rules(changed, "changed")).toEqual(["changed module.js"]);
    const extra = await rewriteArchive(signedZip, path.join(dir, "v-extra.zip"), { add: [{ name: `${ID}/img/extra.js`, content: "x" }] });
    expect(await verify(extra)).toMatchObject({ status: "modified", files: { unlisted: ["img/extra.js"] } });
    expect(rules(extra, "extra")).toEqual(["unlisted img/extra.js"]);
    const missing = await rewriteArchive(signedZip, path.join(dir, "v-missing.zip"), { drop: [`${ID}/LICENSE`] });
    expect(await verify(missing)).toMatchObject({ status: "modified", files: { missing: ["LICENSE"] } });
    const bumped = await rewriteArchive(signedZip, path.join(dir, "v-bumped.zip"), { replace: { [`${ID}/plugin.json`]: JSON.stringify({ id: ID, info: { version: "9.9.9" } }) } });
    expect((await verify(bumped)).status).toBe("modified");

    expect(await verify(signedZip, { appUrl: "https://other.example/" })).toMatchObject({ status: "invalid", reason: expect.stringMatching(/root URL/) });
    expect(await verify(signedZip, { appUrl: undefined })).toMatchObject({ status: "valid", rootUrlsChecked: false });
    expect(await verify(signedZip, { keys: [{ spki: foreign.signer.publicKeySpki, createdAt: CREATED }] })).toMatchObject({ status: "invalid", reason: expect.stringMatching(/not one of the store's keys/) });
    expect(await verify(signedZip, { keys: [{ ...keyRef[0], revokedAt: NOW }] })).toMatchObject({ status: "invalid", reason: expect.stringMatching(/revoked/) });
    expect(await verify(signedZip, { now: new Date(NOW.getTime() - 60_000) })).toMatchObject({ status: "invalid", reason: expect.stringMatching(/future/) });
    const forged = await rewriteArchive(signedZip, path.join(dir, "v-forged.zip"), {
      replace: { [`${ID}/MANIFEST.txt`]: fs.readFileSync(path.join(dir, "unpacked-ecdsa-p256", ID, "MANIFEST.txt"), "utf8").replace('"signatureType": "private"', '"signatureType": "community"') },
    });
    expect(await verify(forged)).toMatchObject({ status: "invalid", reason: expect.stringMatching(/does not verify/) });
    expect(await verify(unsignedZip)).toMatchObject({ status: "unsigned" });
    // Armor headers, as Grafana's Go code treats them: the unsigned Hash header is not compared with the
    // signature's hash (still valid); any other header makes clearsign.Decode fail (invalid).
    const original = fs.readFileSync(path.join(dir, "unpacked-ecdsa-p256", ID, "MANIFEST.txt"), "utf8");
    for (const [text, status] of [
      [original.replace("Hash: SHA512", "Hash: SHA256"), "valid"],
      [original.replace("Hash: SHA512", "Hash: SHA512\nComment: hi"), "invalid"],
    ] as const) {
      const zipPath = await rewriteArchive(signedZip, path.join(dir, `v-header-${status}.zip`), { replace: { [`${ID}/MANIFEST.txt`]: text } });
      expect((await verify(zipPath)).status).toBe(status);
      if (goVerify) {
        const keyFile = path.join(dir, "header-key.asc");
        const manifestFile = path.join(dir, `header-${status}.txt`);
        fs.writeFileSync(keyFile, key.pub.armored);
        fs.writeFileSync(manifestFile, text);
        expect(run(goVerify, [keyFile, manifestFile]).status).toBe(status === "valid" ? 0 : 1);
      }
    }
  });

  it("private-glob, community and commercial manifests; what the signer refuses", async () => {
    const key = keys.get("ecdsa-p256")!;
    const glob = await sign({ key, name: "glob.zip", signatureType: "private-glob", rootUrls: ["https://*.acme.test/grafana/"] });
    expect(glob.manifest.rootUrls).toEqual(["https://*.acme.test/grafana/"]);
    const keyRef = [{ spki: key.signer.publicKeySpki, createdAt: CREATED }];
    expect((await verifyGrafanaPlugin({ zipPath: path.join(dir, "glob.zip"), keys: keyRef, appUrl: "https://eu.acme.test/grafana/", now: NOW })).status).toBe("valid");
    expect((await verifyGrafanaPlugin({ zipPath: path.join(dir, "glob.zip"), keys: keyRef, appUrl: "https://eu.west.acme.test/grafana/", now: NOW })).status).toBe("invalid");
    const community = await sign({ key, name: "community.zip", signatureType: "community", rootUrls: undefined });
    expect(community.manifest).not.toHaveProperty("rootUrls");
    expect((await verifyGrafanaPlugin({ zipPath: path.join(dir, "community.zip"), keys: keyRef, appUrl: "https://anywhere.example/", now: NOW })).status).toBe("valid");

    await expect(sign({ key, name: "r1.zip", signatureType: "grafana" as never })).rejects.toThrow(/Grafana Labs' own/);
    await expect(sign({ key, name: "r2.zip", rootUrls: [] })).rejects.toThrow(GrafanaManifestError);
    await expect(sign({ key, name: "r3.zip", rootUrls: ["grafana.acme.test"] })).rejects.toThrow(/absolute http\(s\) URL/);
    await expect(sign({ key, name: "r4.zip", rootUrls: ["https://*.acme.test/"] })).rejects.toThrow(/private-glob/);
    await expect(sign({ key, name: "r5.zip", signatureType: "commercial" })).rejects.toThrow(/rootUrls are for private types/);
    await expect(sign({ key, name: "r6.zip", signedByOrgName: "" })).rejects.toThrow(/signedByOrgName/);
    await expect(sign({ key, name: "r7.zip", expectedPluginId: "acme-other-panel" })).rejects.toMatchObject({ code: "manifest_id_mismatch" });
    for (const f of ["r1.zip", "r2.zip", "r7.zip"]) expect(fs.existsSync(path.join(dir, f))).toBe(false);

    const wrongDir = await zipTo(path.join(dir, "wrongdir.zip"), pluginZipEntries(ID).map((e) => ({ ...e, name: e.name.replace(`${ID}/`, "dist/") })));
    await expect(signGrafanaPlugin({ inputPath: wrongDir, outputPath: path.join(dir, "r8.zip"), signer: key.signer, key: { spki: key.signer.publicKeySpki, createdAt: CREATED }, signatureType: "community", signedByOrg: "acme", signedByOrgName: "Acme", now: NOW })).rejects.toMatchObject({ code: "manifest_id_mismatch" });
    const twoTops = await zipTo(path.join(dir, "twotops.zip"), [...pluginZipEntries(), { name: "stray.txt", content: "x" }]);
    await expect(signGrafanaPlugin({ inputPath: twoTops, outputPath: path.join(dir, "r9.zip"), signer: key.signer, key: { spki: key.signer.publicKeySpki, createdAt: CREATED }, signatureType: "community", signedByOrg: "acme", signedByOrgName: "Acme", now: NOW })).rejects.toBeInstanceOf(ArchiveError);
    const noVersion = await zipTo(path.join(dir, "nover.zip"), [{ name: `${ID}/plugin.json`, content: JSON.stringify({ id: ID, info: {} }) }]);
    await expect(signGrafanaPlugin({ inputPath: noVersion, outputPath: path.join(dir, "r10.zip"), signer: key.signer, key: { spki: key.signer.publicKeySpki, createdAt: CREATED }, signatureType: "community", signedByOrg: "acme", signedByOrgName: "Acme", now: NOW })).rejects.toMatchObject({ code: "manifest_invalid" });
  });

  it("never overwrites an existing output, and leaves that file in place (it is not this call's to remove)", async () => {
    const existing = path.join(dir, "exists.zip");
    fs.writeFileSync(existing, "someone else's file");
    await expect(sign({ key: keys.get("rsa-3072")!, name: "exists.zip" })).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(existing, "utf8")).toBe("someone else's file");
  });

  it("re-signing replaces MANIFEST.txt instead of listing or duplicating it; the manifest keeps milliseconds", async () => {
    const key = keys.get("rsa-3072")!;
    const first = path.join(dir, "first.zip");
    await sign({ key, name: "first.zip" });
    const at = new Date(NOW.getTime() + 1234);
    const second = await signGrafanaPlugin({ inputPath: first, outputPath: path.join(dir, "second.zip"), signer: key.signer, key: { spki: key.signer.publicKeySpki, createdAt: CREATED }, signatureType: "community", signedByOrg: "acme", signedByOrgName: "Acme", now: at });
    expect(second.manifest.time).toBe(at.getTime());
    expect(await verifyGrafanaPlugin({ zipPath: path.join(dir, "second.zip"), keys: [{ spki: key.signer.publicKeySpki, createdAt: CREATED }], now: at })).toMatchObject({ status: "valid" });
    expect(Object.keys(second.manifest.files)).not.toContain("MANIFEST.txt");
    const names = (JSON.parse(py(PY_ENTRIES, [path.join(dir, "second.zip")])) as [string][]).map(([n]) => n);
    expect(names.filter((n) => n.endsWith("MANIFEST.txt"))).toEqual([`${ID}/MANIFEST.txt`]);
  });

  it("any MANIFEST.txt, flipped, cut or spliced, gets a verdict (never valid unless unchanged, never an exception)", async () => {
    const key = keys.get("ecdsa-p256")!;
    const keyRef = [{ spki: key.signer.publicKeySpki, createdAt: CREATED }];
    const signed = await sign({ key, name: "prop-base.zip" });
    const text = Buffer.from(signed.manifestText);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        mutatedBytes(text, 40),
        async (bytes) => {
          const zipPath = await rewriteArchive(path.join(dir, "prop-base.zip"), path.join(dir, `prop-${n++}.zip`), { replace: { [`${ID}/MANIFEST.txt`]: bytes } });
          const verdict = await verifyGrafanaPlugin({ zipPath, keys: keyRef, appUrl: "https://grafana.acme.test/", now: NOW });
          fs.rmSync(zipPath);
          expect(["valid", "invalid", "modified", "unsigned"]).toContain(verdict.status);
          // Only edits the signature does not cover (armor headers, trailing whitespace, base64 line breaks) may stay valid.
          if (verdict.status === "valid") expect(verdict.manifest).toEqual(signed.manifest);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("root URL matching follows Go's url.Parse, path.Clean and gobwas/glob", () => {
    expect(goUrl("https://grafana.acme.test")).toEqual({ scheme: "https", host: "grafana.acme.test", requestUri: "/" });
    expect(goUrl("http://u@h:3000/a/b/?x=1")).toEqual({ scheme: "http", host: "h:3000", requestUri: "/a/b/?x=1" });
    expect(cleanPath("/a/b/../c/")).toBe("/a/c");
    expect(cleanPath("/")).toBe("/");
    expect(rootUrlMatches(["https://g.test/grafana/"], "https://g.test/grafana", "private")).toBe(true);
    expect(rootUrlMatches(["https://g.test/grafana/"], "http://g.test/grafana/", "private")).toBe(false);
    // Go compares hosts as written: an explicit default port is another host.
    expect(rootUrlMatches(["https://g.test/"], "https://g.test:443/", "private")).toBe(false);
    expect(rootUrlMatches(["https://*.g.test/"], "https://a.g.test/", "private")).toBe(false);
    expect(rootUrlMatches(["https://*.g.test/"], "https://a.g.test/", "private-glob")).toBe(true);
    expect(rootUrlMatches(["https://**.g.test/"], "https://a.b.g.test/", "private-glob")).toBe(true);
    expect(rootUrlMatches(["https://{eu,us}.g.test/"], "https://us.g.test/", "private-glob")).toBe(true);
    expect(rootUrlMatches(["https://{eu,us}.g.test/"], "https://ap.g.test/", "private-glob")).toBe(false);
  });

  it("the keys endpoint document: Grafana's own key(s) plus the store's, in Grafana's shape", async () => {
    const key = keys.get("rsa-3072")!;
    const grafanaLabs = await makeKey("ecdsa-p384");
    const doc = grafanaKeysDocument([
      { keyId: grafanaLabs.pub.keyId.toUpperCase(), public: grafanaLabs.pub.armored, since: new Date("2020-04-13T00:00:00Z") },
      { keyId: key.pub.keyId, public: key.pub.armored, since: CREATED },
    ]);
    expect(doc).toEqual({
      items: [
        { keyId: grafanaLabs.pub.keyId, public: grafanaLabs.pub.armored, since: 1586736000 },
        { keyId: key.pub.keyId, public: key.pub.armored, since: CREATED.getTime() / 1000 },
      ],
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(() => grafanaKeysDocument([{ keyId: key.pub.keyId, public: key.pub.armored, since: CREATED }, { keyId: key.pub.keyId, public: key.pub.armored, since: CREATED }])).toThrow(/twice/);
    expect(() => grafanaKeysDocument([{ keyId: "xyz", public: key.pub.armored, since: CREATED }])).toThrow(/16-hex-digit/);
    expect(() => grafanaKeysDocument([{ keyId: key.pub.keyId, public: "not a key", since: CREATED }])).toThrow(/armored/);
  });
});
