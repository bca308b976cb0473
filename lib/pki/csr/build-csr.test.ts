import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner, type KeyAlgorithm } from "../signer";
import { buildCsr, csrToPem } from "./build-csr";
import { parseCsr } from "./parse-csr";

describe("buildCsr", () => {
  for (const algorithm of ["ecdsa-p256", "ecdsa-p384", "rsa-3072"] as KeyAlgorithm[]) {
    it(`writes a ${algorithm} request that OpenSSL verifies and our strict parser accepts`, async () => {
      const { privateKey } = generateKeyPair(algorithm);
      const der = await buildCsr([{ type: "O", value: "Acme, Inc." }, { type: "CN", value: "com.acme.x" }], softwareSigner(privateKey));
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "csr-")), "x.csr");
      fs.writeFileSync(file, csrToPem(der));
      const out = execFileSync("openssl", ["req", "-in", file, "-noout", "-verify", "-subject"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(out).toMatch(/O\s*=\s*"?Acme, Inc\."?, CN\s*=\s*com\.acme\.x/);
      const parsed = parseCsr(csrToPem(der));
      expect(parsed.keyAlgorithm).toBe(algorithm);
      expect(parsed.subject).toBe("O=Acme\\, Inc., CN=com.acme.x");
    });
  }
});
