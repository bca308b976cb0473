// Trust distribution: /api/v1/trust, the byte-exact key files, Grafana's keys endpoint and the catalog
// proxy (against a tiny upstream started here).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as trustDoc } from "@/app/api/v1/trust/route";
import { GET as caFile } from "@/app/ca/[file]/route";
import { execFileSync } from "node:child_process";
import { GET as keyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { GET as grafanaKeys } from "@/app/grafana/api/plugins/ci/keys/route";
import { GET as grafanaProxy, HEAD as grafanaProxyHead } from "@/app/grafana/api/[...path]/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as addKey } from "@/app/api/v1/settings/targets/[target]/keys/route";
import { POST as retire } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/retire/route";
import { POST as activate } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/activate/route";
import { generateKeyPair, softwareSigner } from "@/lib/pki/signer";
import { openpgpPublicKey } from "@/lib/pki/openpgp/sign";
import { gpgv, run, tempDir } from "@/lib/pki/openpgp/test-tools";
import { call } from "./helpers";
import { H, json, setUpStore, type Store } from "./artifact-fixtures";

type Trust = { targets: { target: string; keys: { keyId: string; status: string; url: string; algorithm: string }[]; hostConfig: { format: string; text: string } }[] };

const dir = tempDir("signet-trust-");
let upstream: http.Server;
let upstreamUrl = "";
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];

describe("targets: trust distribution", () => {
  let store: Store;
  let grafanaLabsKey: { keyId: string; armored: string };
  beforeAll(async () => {
    store = await setUpStore();
    upstream = http.createServer((req, res) => {
      seen.push({ url: req.url!, headers: req.headers });
      if (req.url!.startsWith("/api/fail")) return void res.writeHead(503).end("down");
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "upstream=1", etag: '"v1"' });
      res.write('{"items":[');
      setTimeout(() => res.end(`{"slug":"grafana-clock-panel","url":"${req.url}"}]}`), 50);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const { privateKey } = generateKeyPair("rsa-3072");
    const signer = softwareSigner(privateKey);
    const pub = await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: new Date("2026-01-01T00:00:00Z"), userId: "Grafana Labs (test stand-in)", signer, now: new Date() });
    grafanaLabsKey = { keyId: pub.keyId, armored: pub.armored };
  });
  afterAll(() => {
    upstream?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("anyone reads /api/v1/trust: jami's Root CA, then each enabled target's keys and host configuration", async () => {
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200);
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { upstreamUrl, grafanaKeys: [{ keyId: grafanaLabsKey.keyId, public: grafanaLabsKey.armored, since: 1700000000 }] } } }), 200);
    const trust = await json<Trust>(await call(H(trustDoc)), 200);
    expect(trust.targets.map((t) => t.target)).toEqual(["jami", "mattermost", "grafana"]);
    const root = await (await db()).certificateAuthority.findFirstOrThrow({ where: { kind: "root" } });
    expect(trust.targets[0].keys).toEqual([expect.objectContaining({ keyId: root.id, status: "active", url: `/ca/${root.id}.pem` })]);
    const mm = trust.targets[1];
    expect(JSON.parse(mm.hostConfig.text)).toEqual({ PluginSettings: { RequirePluginSignature: true, SignaturePublicKeyFiles: [`signet-mattermost-${mm.keys[0].keyId}.asc`] } });
    expect(trust.targets[2].hostConfig.text).toBe("[grafana_com]\nurl = http://localhost:3999/grafana\n\n[plugins]\npublic_key_retrieval_on_startup = true");
  });

  it("key files are byte-exact, import into GnuPG and carry their revocation once retired", async () => {
    const trust = await json<Trust>(await call(H(trustDoc)), 200);
    const mm = trust.targets.find((t) => t.target === "mattermost")!;
    const [, , target, , keyId] = mm.keys[0].url.split("/");
    const res = await call(H(keyFile), { params: { target, keyId } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pgp-keys");
    const body = Buffer.from(await res.arrayBuffer());
    const row = await (await db()).storeKey.findFirstOrThrow({ where: { keyId } });
    expect(body.equals(Buffer.from(row.publicKeyFile, "utf8"))).toBe(true);
    const asc = path.join(dir, "mm.asc");
    fs.writeFileSync(asc, body);
    const shown = run("gpg", ["--homedir", dir, "--batch", "--with-colons", "--show-keys", asc]);
    expect(shown.status, shown.output).toBe(0);
    expect(shown.output).toMatch(new RegExp(`^fpr:+${row.fingerprint.toUpperCase()}:`, "m"));
    expect(shown.output).toMatch(/^pub:-:4096:1:/m);
    // Rotate: next, activate, retire the first. The retired file now says "revoked" to GnuPG.
    const next = await json<{ keyId: string }>(await call(H(addKey), { token: store.operator, params: { target: "mattermost" }, json: {} }), 201);
    await json(await call(H(activate), { token: store.operator, params: { target: "mattermost", keyId: next.keyId } }), 200);
    await json(await call(H(retire), { token: store.operator, params: { target: "mattermost", keyId } }), 200);
    fs.writeFileSync(asc, Buffer.from(await (await call(H(keyFile), { params: { target, keyId } })).arrayBuffer()));
    expect(run("gpg", ["--homedir", dir, "--batch", "--with-colons", "--show-keys", asc]).output).toMatch(/^pub:r:/m);
    for (const [t, k] of [["mattermost", "0123456789abcdef"], ["jami", keyId], ["npm", keyId], ["mattermost", "../../etc"]]) {
      expect((await call(H(keyFile), { params: { target: t, keyId: k } })).status).toBe(404);
    }
  });

  it("Grafana's keys endpoint lists Grafana Labs' key and the store's published keys, in Grafana's shape", async () => {
    const next = await json<{ keyId: string }>(await call(H(addKey), { token: store.operator, params: { target: "grafana" }, json: { algorithm: "ecdsa-p256" } }), 201);
    const doc = await json<{ items: { keyId: string; public: string; since: number }[] }>(await call(H(grafanaKeys)), 200);
    const active = await (await db()).storeKey.findFirstOrThrow({ where: { target: "grafana", status: "active" } });
    expect(doc.items.map((i) => i.keyId)).toEqual([grafanaLabsKey.keyId, active.keyId, next.keyId]);
    expect(doc.items[0]).toEqual({ keyId: grafanaLabsKey.keyId, public: grafanaLabsKey.armored, since: 1700000000 });
    expect(doc.items[1]).toEqual({ keyId: active.keyId, public: active.publicKeyFile, since: active.createdAt.getTime() / 1000 });
    // What Grafana does with it: each "public" is a key its OpenPGP reader takes (here: GnuPG).
    const f = path.join(dir, "g.asc");
    fs.writeFileSync(f, doc.items[2].public);
    expect(run("gpg", ["--homedir", dir, "--batch", "--with-colons", "--show-keys", f]).output).toMatch(new RegExp(`^pub:-:256:19:${next.keyId.toUpperCase()}:`, "m"));
    // A configured key that is not a key, or that repeats one, is refused at PUT time.
    const bad = await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { grafanaKeys: [{ keyId: "00000000000000aa", public: "hello" }] } } });
    expect(bad.status).toBe(400);
    const dup = await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { grafanaKeys: [{ keyId: active.keyId, public: grafanaLabsKey.armored }] } } });
    expect(dup.status).toBe(400);
  });

  it("Dify and Mender: /api/v1/trust lists their keys and host configuration; each file is byte-exact, the Dify one PKCS#1 with one trailing newline, the Mender one SPKI; the Root CA file is the root's DER", async () => {
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "dify" }, json: { enabled: true } }), 200);
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mender" }, json: { enabled: true } }), 200);
    const trust = await json<Trust>(await call(H(trustDoc)), 200);
    const client = await db();
    for (const target of ["dify", "mender"] as const) {
      const entry = trust.targets.find((t) => t.target === target)!;
      expect(entry.keys.length).toBe(1);
      const [, , , , keyId] = entry.keys[0].url.split("/");
      const res = await call(H(keyFile), { params: { target, keyId } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-pem-file");
      const body = Buffer.from(await res.arrayBuffer());
      const row = await client.storeKey.findFirstOrThrow({ where: { keyId } });
      expect(body.equals(Buffer.from(row.publicKeyFile, "utf8"))).toBe(true);
      const pem = path.join(dir, `${target}.pem`);
      fs.writeFileSync(pem, body);
      const text = body.toString("latin1");
      if (target === "dify") {
        // What the daemon's LoadPublicKey takes: one RSA PUBLIC KEY block, exactly one newline after it.
        expect(text).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PUBLIC KEY-----\n$/);
        expect(execFileSync("openssl", ["rsa", "-RSAPublicKey_in", "-in", pem, "-noout", "-text"], { encoding: "utf8" })).toMatch(/Public-Key: \(4096 bit\)/);
        expect(entry.hostConfig.text).toContain(`THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS=/app/keys/`);
      } else {
        expect(text).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
        const der = execFileSync("openssl", ["pkey", "-pubin", "-in", pem, "-outform", "DER"]);
        expect(Buffer.from(der).equals(Buffer.from(row.publicKeySpki))).toBe(true);
        expect(JSON.parse(entry.hostConfig.text).ArtifactVerifyKeys).toHaveLength(1);
      }
    }
    const root = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" }, include: { certificate: true } });
    const rootRes = await call(H(caFile), { params: { file: `${root.id}.pem` } });
    expect(rootRes.status).toBe(200);
    const rootPem = path.join(dir, "root.pem");
    fs.writeFileSync(rootPem, Buffer.from(await rootRes.arrayBuffer()));
    expect(Buffer.from(execFileSync("openssl", ["x509", "-in", rootPem, "-outform", "DER"])).equals(Buffer.from(root.certificate!.der!))).toBe(true);
  });

  it("other /grafana/api paths stream from the upstream without cookies or credentials; failures are 502 problems", async () => {
    const res = await call(H(grafanaProxy), { url: "http://localhost:3999/grafana/api/plugins?orderBy=weight&direction=asc", params: { path: ["plugins"] } as never, headers: { cookie: "better-auth.session_token=secret", authorization: "Bearer sk_secret", "user-agent": "Grafana/11.3.0", accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("etag")).toBe('"v1"');
    expect(await res.json()).toEqual({ items: [{ slug: "grafana-clock-panel", url: "/api/plugins?orderBy=weight&direction=asc" }] });
    const last = seen.at(-1)!;
    expect(last.headers.cookie).toBeUndefined();
    expect(last.headers.authorization).toBeUndefined();
    expect(last.headers["user-agent"]).toBe("Grafana/11.3.0");
    expect((await call(H(grafanaProxyHead), { method: "HEAD", url: "http://localhost:3999/grafana/api/plugins", params: { path: ["plugins"] } as never })).status).toBe(200);
    const failed = await call(H(grafanaProxy), { url: "http://localhost:3999/grafana/api/fail", params: { path: ["fail"] } as never });
    expect(failed.status).toBe(502);
    expect(failed.headers.get("content-type")).toBe("application/problem+json");
    expect((await failed.json()).detail).toMatch(/answered 503/);
    expect((await call(H(grafanaProxy), { params: { path: ["plugins", ".."] } as never })).status).toBe(404);
    // An upstream nobody listens on.
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { upstreamUrl: "http://127.0.0.1:9", grafanaKeys: [] } } }), 200);
    const down = await call(H(grafanaProxy), { url: "http://localhost:3999/grafana/api/plugins", params: { path: ["plugins"] } as never });
    expect(down.status).toBe(502);
    expect((await down.json()).detail).toMatch(/could not be reached/);
  });
});
