// `signet issue`: an organization that keeps its CA key issues a plugin certificate — or certifies
// Signet's delegated OCSP responder key (--responder) — on its own machine, through exactly the
// code the server issues with (lib/pki profile, prepare, check, sign). No database; the only
// network use is one public GET /api/v1/cas to learn the CA's id when --ca-id is not given.
import crypto from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { certificateInfo, fromPem, issueOcspResponderCertificate, issuePluginCertificate, toPem, type CertificateInfo } from "../../lib/pki/certificate/issue";
import { randomSerial } from "../../lib/pki/certificate/serial";
import { CsrError, parseCsr } from "../../lib/pki/csr/parse-csr";
import { softwareSigner, spkiOf } from "../../lib/pki/signer";
import { addDays, pkiUrlsAt, wholeSecond } from "../../lib/server/certificates/pki-urls";
import { pluginIdSchema } from "../../lib/server/orgs/naming";
import { EXTERNAL_RESPONDER_DEFAULT_DAYS, EXTERNAL_RESPONDER_MAX_DAYS, RESPONDER_BACKDATE_MS } from "../../lib/server/revocation/responder-validity";
import { readPrivateKey } from "../private-key";
import { CliError, printJson } from "../io";

export const usage =
  "signet issue --ca-key org.key --ca-cert org.pem --csr plugin.csr --plugin ID --url BASE_URL [--ca-id ID] [--days 365] --out plugin.pem [--json]\n" +
  "         signet issue --responder --ca-key org.key --ca-cert org.pem --csr responder.csr [--days 30] --out responder.pem   (certifies the OCSP responder key whose CSR Signet gave you; at most 90 days)";

function readFile(path: string, what: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    throw new CliError(`cannot read ${what} ${path}`);
  }
}

function loadCa(certPath: string, keyPath: string): { info: CertificateInfo; der: Uint8Array; key: crypto.KeyObject } {
  const [der] = fromPem(readFile(certPath, "the CA certificate"));
  if (!der) throw new CliError(`${certPath} holds no PEM CERTIFICATE`);
  const info = certificateInfo(der);
  if (!info.isCa || !info.organization) throw new CliError(`${certPath} is not an organization CA certificate`);
  const key = readPrivateKey(readFile(keyPath, "the CA key"), keyPath, 1);
  if (!Buffer.from(spkiOf(key)).equals(Buffer.from(info.spkiDer))) throw new CliError(`${keyPath} is not the key of ${certPath}`);
  return { info, der, key };
}

async function lookUpCaId(url: string, caDer: Uint8Array): Promise<string> {
  let cas: { id: string; certificatePem?: string | null }[];
  try {
    const res = await fetch(`${url.replace(/\/+$/, "")}/api/v1/cas`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    cas = (await res.json()) as typeof cas;
  } catch (err) {
    throw new CliError(`could not ask ${url} for the CA's id (${err instanceof Error ? err.message : err}); pass --ca-id (shown on your organization's page)`);
  }
  const mine = cas.find((c) => c.certificatePem && Buffer.from(fromPem(c.certificatePem)[0] ?? []).equals(Buffer.from(caDer)));
  if (!mine) throw new CliError(`${url} does not know this CA certificate; check --url or pass --ca-id`);
  return mine.id;
}

function days(value: string | undefined, fallback: number, max: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--days must be a whole number from 1 to ${max}`, 2);
  return n;
}

export async function issueCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "ca-key": { type: "string" },
      "ca-cert": { type: "string" },
      csr: { type: "string" },
      plugin: { type: "string" },
      url: { type: "string" },
      "ca-id": { type: "string" },
      days: { type: "string" },
      out: { type: "string" },
      responder: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values["ca-key"] || !values["ca-cert"] || !values.csr || !values.out) throw new CliError(`--ca-key, --ca-cert, --csr and --out are required\nusage: ${usage}`, 2);
  if (fs.existsSync(values.out)) throw new CliError(`${values.out} exists; refusing to overwrite it`);
  const ca = loadCa(values["ca-cert"], values["ca-key"]);
  let csr;
  try {
    // The same strict checks the server applies to an uploaded CSR (DER, proof of possession, key).
    csr = parseCsr(readFile(values.csr, "the CSR"));
  } catch (err) {
    if (err instanceof CsrError) throw new CliError(`invalid CSR: ${err.message}`);
    throw err;
  }
  const signer = softwareSigner(ca.key);
  const serial = randomSerial();
  const now = wholeSecond(new Date());
  let der: Uint8Array;
  if (values.responder) {
    const notBefore = wholeSecond(new Date(Math.max(now.getTime() - RESPONDER_BACKDATE_MS, ca.info.notBefore.getTime())));
    const notAfter = addDays(now, days(values.days, EXTERNAL_RESPONDER_DEFAULT_DAYS, EXTERNAL_RESPONDER_MAX_DAYS));
    der = await issueOcspResponderCertificate({ issuer: ca.info, issuerSigner: signer, subjectPublicKeySpki: csr.publicKeySpki, serial, notBefore, notAfter });
  } else {
    if (!values.plugin || !values.url) throw new CliError(`--plugin and --url are required for a plugin certificate\nusage: ${usage}`, 2);
    const pluginId = pluginIdSchema.parse(values.plugin);
    // Jami verifies RSA PKCS#1 v1.5 SHA-512 only: the profile allows RSA plugin keys alone.
    if (!csr.keyAlgorithm.startsWith("rsa-")) throw new CliError("a plugin key must be RSA (2048 bits or more): Jami verifies RSA PKCS#1 v1.5 SHA-512 signatures only");
    const caId = values["ca-id"] ?? (await lookUpCaId(values.url, ca.der));
    der = await issuePluginCertificate({
      issuer: ca.info,
      issuerSigner: signer,
      orgName: ca.info.organization!,
      pluginId,
      subjectPublicKeySpki: csr.publicKeySpki,
      serial,
      notBefore: now,
      notAfter: addDays(now, days(values.days, 365, 3650)),
      urls: pkiUrlsAt(values.url, caId),
    });
  }
  const info = certificateInfo(der);
  fs.writeFileSync(values.out, toPem(der, "CERTIFICATE"), { flag: "wx" });
  if (values.json) printJson({ out: values.out, serial: info.serialHex, subject: info.subject, notBefore: info.notBefore, notAfter: info.notAfter });
  else process.stdout.write(`Wrote ${values.out} (${info.subject}, serial ${info.serialHex}, until ${info.notAfter.toISOString()}). ${values.responder ? "Upload it as the OCSP responder certificate." : "Register it with Signet so OCSP knows it."}\n`);
  return 0;
}
