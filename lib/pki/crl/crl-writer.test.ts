import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner } from "../signer";
import { CrlWriter, encodeCrl, encodeCrlEntry } from "./encode-crl";

const head = {
  issuerNameDer: Buffer.from("300f310d300b06035504030c0454657374", "hex"),
  issuerKeyIdentifier: crypto.randomBytes(20),
  crlNumber: 42n,
  thisUpdate: new Date("2026-11-26T00:00:00Z"),
  nextUpdate: new Date("2026-12-03T00:00:00Z"),
};

describe("CrlWriter", () => {
  it("splits a CRL into head ‖ entries ‖ tail, so a store can rebuild the signed bytes", async () => {
    const entries = Array.from({ length: 300 }, (_, i) => encodeCrlEntry({ serial: crypto.randomBytes(16), revocationDate: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), reason: i % 2 ? "keyCompromise" : "superseded" }));
    // A tiny size hint forces the buffer to grow several times on the way.
    const writer = new CrlWriter({ ...head, signer: softwareSigner(generateKeyPair("ecdsa-p256").privateKey), sizeHint: 10 });
    for (const e of entries) writer.append(e);
    const { der, head: h, tail } = await writer.finishWithLayout();
    expect(Buffer.concat([h, ...entries, tail]).equals(der)).toBe(true);
  });

  it("writes the same bytes whether entries arrive one by one or as one concatenated page", async () => {
    const signer = softwareSigner(generateKeyPair("rsa-2048").privateKey);
    const entries = Array.from({ length: 50 }, (_, i) => ({ serial: crypto.randomBytes(12), revocationDate: new Date(Date.UTC(2026, 0, 1, 0, i)) }));
    const oneByOne = await encodeCrl({ ...head, signer, entries });
    const paged = new CrlWriter({ ...head, signer });
    const all = Buffer.concat(entries.map(encodeCrlEntry));
    // Chunks need not end on entry boundaries (the store reads fixed-size chunks).
    for (let i = 0; i < all.length; i += 1000) paged.append(all.subarray(i, i + 1000));
    const { head: h, tail } = await paged.finishWithLayout();
    // RSA PKCS#1 v1.5 is deterministic: identical TBS bytes give identical CRLs.
    expect(Buffer.concat([h, ...entries.map(encodeCrlEntry), tail]).equals(oneByOne)).toBe(true);
  });

  it("omits revokedCertificates when there are no entries", async () => {
    const writer = new CrlWriter({ ...head, signer: softwareSigner(generateKeyPair("ecdsa-p256").privateKey) });
    const { der, head: h, tail } = await writer.finishWithLayout();
    expect(Buffer.concat([h, tail]).equals(der)).toBe(true);
    // nextUpdate is followed directly by crlExtensions [0], with no empty SEQUENCE between.
    expect(tail[0]).toBe(0xa0);
  });
});
