// `signet csr`: a key and a CSR for organizations that keep their own keys (Jami's
// `certKey.py --req create`). Needs no database: everything happens on this machine.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { buildCsr, csrToPem } from "../../lib/pki/csr/build-csr";
import type { NamePart } from "../../lib/pki/certificate/names";
import { generateKeyPairAsync, isRsa, KEY_ALGORITHMS, softwareSigner, type KeyAlgorithm } from "../../lib/pki/signer";
import { CliError, printJson } from "../io";

export const usage = "signet csr --org NAME [--plugin ID] [--algorithm ecdsa-p256|ecdsa-p384|rsa-2048|rsa-3072|rsa-4096] --out PREFIX [--json]";

export async function csrCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { org: { type: "string" }, plugin: { type: "string" }, algorithm: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false } },
    strict: true,
  });
  if (!values.org || !values.out) throw new CliError(`--org and --out are required\nusage: ${usage}`, 2);
  // Jami verifies plugin signatures with RSA PKCS#1 v1.5 SHA-512 only, so a plugin key is RSA.
  const algorithm = (values.algorithm ?? (values.plugin ? "rsa-3072" : "ecdsa-p256")) as KeyAlgorithm;
  if (!KEY_ALGORITHMS.includes(algorithm)) throw new CliError(`--algorithm must be one of ${KEY_ALGORITHMS.join(", ")}`, 2);
  if (values.plugin && !isRsa(algorithm)) throw new CliError("a plugin key must be RSA: Jami verifies RSA PKCS#1 v1.5 SHA-512 signatures only", 2);

  const subject: NamePart[] = [{ type: "O", value: values.org }];
  if (values.plugin) subject.push({ type: "CN", value: values.plugin });
  const { privateKey } = await generateKeyPairAsync(algorithm);
  const csrPem = csrToPem(await buildCsr(subject, softwareSigner(privateKey, algorithm)));

  const keyPath = `${values.out}.key`;
  const csrPath = `${values.out}.csr`;
  for (const p of [keyPath, csrPath]) if (fs.existsSync(p)) throw new CliError(`${p} exists; refusing to overwrite a key or request`);
  // 'wx' + 0600: the key is created private, never widened after the fact.
  fs.writeFileSync(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  fs.writeFileSync(csrPath, csrPem, { flag: "wx" });
  if (values.json) printJson({ key: keyPath, csr: csrPath, algorithm, csrPem });
  else process.stdout.write(`Wrote ${keyPath} (private key, mode 0600 — keep it safe) and ${csrPath} (upload this).\n`);
  return 0;
}
