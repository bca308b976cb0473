"use client";

// Key generation in the browser (WebCrypto). The private key is exported for the user to download;
// the CSR carries only the public key and a proof of possession.
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs a Reflect polyfill.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

export async function generateBrowserKeyAndCsr(pluginId: string, modulusLength = 3072): Promise<{ csrPem: string; privateKeyPem: string }> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${pluginId.replace(/[,+"\\<>;=]/g, "")}`,
    keys,
    signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { csrPem: csr.toString("pem"), privateKeyPem: toPem(pkcs8, "PRIVATE KEY") };
}
