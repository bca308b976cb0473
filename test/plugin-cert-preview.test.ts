// Issue 13 defect 5: the dry-run preview names the certificate exactly as approval then writes it
// (checked against the issued certificate, read by openssl), and lists every part of the CSR that the
// certificate does not carry: subject attributes, SANs, key usages, basic constraints.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as previewPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/preview/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { call, followContactLink, resetDatabase } from "./helpers";
import { openssl, opensslCsr, tempDir, writePem } from "./pki-fixtures";

const dir = tempDir("signet-preview-");
const H = (h: unknown) => h as never;
type Preview = {
  willIssue: {
    subject: string;
    extensions: string[];
    ignoredFromCsr: string[];
    fromCsr: { subject: string; subjectAttributes: { type: string; value: string; kept: boolean }[]; extensions: { name: string; outcome: string; issuedAs?: string }[] } | null;
  };
};

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("plugin certificate preview (dry run)", () => {
  let admin = "";
  const csr = opensslCsr(dir, "noisy", {
    key: "rsa:2048",
    subj: "/C=FR/O=Somebody Else/OU=Web Team/CN=www.example.com",
    addext: ["subjectAltName=DNS:www.example.com,DNS:example.com", "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth,codeSigning", "basicConstraints=critical,CA:TRUE"],
  });

  beforeAll(async () => {
    await resetDatabase();
    const init = await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
    const reg = await json<{ request: { id: string }; token: string }>(await call(H(registerOrg), { json: { name: "Preview Works", slug: "preview", pluginIdPrefix: "com.preview.", admin: { email: "admin@preview.test", password: "preview-password-1" }, token: true } }), 201);
    admin = reg.token;
    await followContactLink("admin@preview.test");
    await json(await call(H(approve), { token: init.operatorToken, params: { id: reg.request.id } }), 200);
  });

  it("says how the certificate is named and what of the CSR is ignored, and stores nothing", async () => {
    const preview = await json<Preview>(await call(H(previewPlugin), { token: admin, params: { slug: "preview" }, json: { pluginId: "com.preview.noisy", csrPem: csr } }), 200);
    expect(preview.willIssue.subject).toBe("O=Preview Works, CN=com.preview.noisy");
    expect(preview.willIssue.fromCsr!.subject).toBe("C=FR, O=Somebody Else, OU=Web Team, CN=www.example.com");
    expect(preview.willIssue.fromCsr!.subjectAttributes.filter((a) => !a.kept).map((a) => `${a.type}=${a.value}`)).toEqual(["C=FR", "O=Somebody Else", "OU=Web Team", "CN=www.example.com"]);
    const outcomes = Object.fromEntries(preview.willIssue.fromCsr!.extensions.map((e) => [e.name, e.outcome]));
    expect(outcomes).toEqual({ "Subject Alternative Name": "dropped", "Key Usage": "replaced", "Extended Key Usage": "replaced", "Basic Constraints": "replaced" });
    const ignored = preview.willIssue.ignoredFromCsr.join("\n");
    expect(ignored).toContain("Subject attribute OU=Web Team");
    expect(ignored).toContain("Subject Alternative Name: www.example.com, example.com (not in the certificate)");
    expect(ignored).toContain("Key Usage (critical): digitalSignature, keyEncipherment (the certificate says (critical) digitalSignature)");
    expect(await (await db()).certificateRequest.count({ where: { pluginId: "com.preview.noisy" } })).toBe(0);
  });

  it("the certificate approval writes is the one the preview and the review described (openssl reads it)", async () => {
    const preview = await json<Preview>(await call(H(previewPlugin), { token: admin, params: { slug: "preview" }, json: { pluginId: "com.preview.noisy", csrPem: csr } }), 200);
    const created = await json<{ request: { id: string } }>(await call(H(requestPlugin), { token: admin, params: { slug: "preview" }, json: { pluginId: "com.preview.noisy", csrPem: csr } }), 201);
    const review = await json<Preview>(await call(H(getRequest), { token: admin, params: { id: created.request.id } }), 200);
    expect(review.willIssue).toEqual(preview.willIssue);
    const issued = await json<{ certificate: { pem: string } }>(await call(H(approve), { token: admin, params: { id: created.request.id } }), 200);
    const text = openssl(["x509", "-in", writePem(dir, "issued.pem", issued.certificate.pem), "-noout", "-text", "-nameopt", "RFC2253"]);
    // RFC 2253 order is reversed: CN first.
    expect(text).toContain("Subject: CN=com.preview.noisy,O=Preview Works");
    expect(text).not.toContain("www.example.com");
    expect(text).not.toContain("Key Encipherment");
    expect(text).not.toContain("TLS Web Server Authentication");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    // Every extension the preview named is in the certificate, and no other.
    const names = [...text.matchAll(/^ {12}(X509v3 [A-Za-z ]+|Authority Information Access):/gm)].map((m) => m[1].replace("X509v3 ", "").replace("Information", "Info").replace(/s$/, ""));
    expect(names.sort()).toEqual(preview.willIssue.extensions.map((e) => e.split(/ \(critical\)|:/)[0].replace(/s$/, "")).sort());
  });

  it("refuses what the request refuses, on the field it concerns", async () => {
    const bad = await json<{ errors: { path: string; message: string }[] }>(await call(H(previewPlugin), { token: admin, params: { slug: "preview" }, json: { pluginId: "com.other.x", csrPem: csr } }), 400);
    expect(bad.errors[0].path).toBe("pluginId");
    const garbage = await json<{ errors: { path: string; message: string }[] }>(await call(H(previewPlugin), { token: admin, params: { slug: "preview" }, json: { pluginId: "com.preview.x", csrPem: "not a csr" } }), 400);
    expect(garbage.errors[0]).toMatchObject({ path: "csrPem" });
    expect(garbage.errors[0].message).not.toMatch(/^Invalid CSR/);
  });
});
