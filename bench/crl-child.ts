// One CRL build in a process of its own (so its peak RSS is its own): N synthetic revocations
// through lib/pki's encoder, signed by a P-256 CA key; prints the build time in ms.
import crypto from "node:crypto";
import fs from "node:fs";
import { encodeCrl, type RevokedEntry } from "../lib/pki/crl/encode-crl";
import { softwareSigner } from "../lib/pki/signer";

const [count, keyPath, issuerDerPath, outPath] = process.argv.slice(2);
const n = Number(count);
const signer = softwareSigner(crypto.createPrivateKey(fs.readFileSync(keyPath)), "ecdsa-p256");
const issuerNameDer = fs.readFileSync(issuerDerPath);
const reasons = ["keyCompromise", "superseded", "cessationOfOperation", "unspecified"] as const;
const base = Date.UTC(2026, 0, 1);

// Entries are produced lazily, as rows come from a database cursor in production.
function* entries(): Generator<RevokedEntry> {
  const serial = Buffer.alloc(16);
  for (let i = 0; i < n; i++) {
    crypto.randomFillSync(serial);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    yield { serial: Buffer.from(serial), revocationDate: new Date(base + i * 1000), reason: reasons[i % 4] };
  }
}

const start = performance.now();
const der = await encodeCrl({
  issuerNameDer,
  issuerKeyIdentifier: crypto.randomBytes(20),
  crlNumber: 7n,
  thisUpdate: new Date(),
  nextUpdate: new Date(Date.now() + 7 * 86_400_000),
  entries: entries(),
  signer,
});
const ms = performance.now() - start;
fs.writeFileSync(outPath, der);
process.stdout.write(`${ms.toFixed(0)}\n`);
