import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointKeyId, checkpointPublicKeyFromPem, checkpointShapeProblem, checkpointSignatureProblem, signCheckpoint } from "./checkpoint";

const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
const keyId = checkpointKeyId(publicKey);
const head = { seq: 42n, headHash: "a".repeat(64) };

describe("audit checkpoints (pure)", () => {
  it("signs whole-second times and verifies; any changed field or another key fails", () => {
    const cp = signCheckpoint(privateKey, keyId, head, new Date("2026-12-01T10:00:00.987Z"));
    expect(cp.time).toBe("2026-12-01T10:00:00Z");
    expect(checkpointSignatureProblem(cp, publicKey)).toBeUndefined();
    for (const changed of [{ seq: "43" }, { headHash: "b".repeat(64) }, { time: "2026-12-01T10:00:01Z" }]) {
      expect(checkpointSignatureProblem({ ...cp, ...changed }, publicKey)).toMatch(/does not verify/);
    }
    const other = crypto.generateKeyPairSync("ed25519").publicKey;
    expect(checkpointSignatureProblem(cp, other)).toMatch(/names key/);
  });

  it("refuses malformed checkpoints by field", () => {
    const cp = signCheckpoint(privateKey, keyId, head, new Date());
    expect(checkpointShapeProblem(cp)).toBeUndefined();
    expect(checkpointShapeProblem(null)).toMatch(/JSON object/);
    expect(checkpointShapeProblem({ ...cp, seq: "042" })).toMatch(/seq/);
    expect(checkpointShapeProblem({ ...cp, seq: 42 })).toMatch(/seq/);
    expect(checkpointShapeProblem({ ...cp, headHash: "A".repeat(64) })).toMatch(/headHash/);
    expect(checkpointShapeProblem({ ...cp, time: "2026-12-01T10:00:00.000Z" })).toMatch(/time/);
    expect(checkpointShapeProblem({ ...cp, keyId: "x\n" })).toMatch(/keyId/);
  });

  it("reads only an Ed25519 public key PEM", () => {
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(checkpointKeyId(checkpointPublicKeyFromPem(pem))).toBe(keyId);
    const p256 = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => checkpointPublicKeyFromPem(p256)).toThrow(/not an Ed25519 key/);
    expect(() => checkpointPublicKeyFromPem("junk")).toThrow(/PEM PUBLIC KEY/);
    expect(() => checkpointPublicKeyFromPem("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----")).toThrow(/not an Ed25519 key/);
  });
});
