"use client";

// Key generation in the browser (WebCrypto). The private key stays in this tab, as PKCS#8 bytes, for
// the user to save (lib/client/key-files.ts writes the files); the CSR carries only the public key
// and a proof of possession.
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs a Reflect polyfill.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export async function generateBrowserKeyAndCsr(commonName: string, modulusLength = 3072): Promise<{ csrPem: string; pkcs8: Uint8Array }> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${commonName.replace(/[,+"\\<>;=]/g, "")}`,
    keys,
    signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  });
  return { csrPem: csr.toString("pem"), pkcs8: new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}
