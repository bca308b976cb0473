// Private-key files made in the browser, from a key that never leaves it: the PKCS#8 PEM as
// generated, the same key encrypted under a passphrase (PKCS#8 EncryptedPrivateKeyInfo, PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC, RFC 8018), and a PKCS#12 with the key and its certificate
// chain once the certificate is issued (RFC 7292). WebCrypto does the cryptography; pkijs writes the
// structures. Pure functions over WebCrypto, so the same code runs under the tests.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

/** PBKDF2-HMAC-SHA256 iterations for a passphrase-encrypted key (OWASP's 2023 figure). */
export const PBKDF2_ITERATIONS = 600_000;
/** The PKCS#12 MAC's own KDF (RFC 7292 appendix B) runs in script, one digest a round: kept moderate. */
const PKCS12_MAC_ITERATIONS = 10_000;
export const MIN_PASSPHRASE_LENGTH = 8;

// pkijs draws a fresh IV (and salt) for every encryption; the type asks for one it never reads.
const PBES2 = { name: "AES-CBC", length: 256 } as pkijs.ContentEncryptionAlgorithm;
const PKCS8_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";
const FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const LOCAL_KEY_ID = "1.2.840.113549.1.9.21";

function engine(): pkijs.ICryptoEngine {
  return new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto });
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `-----BEGIN ${label}-----\n${btoa(binary).match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

/** Every PEM block of `label` in `text`, as DER. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => Uint8Array.from(atob(m[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0)));
}

function passphraseProblem(passphrase: string): string | undefined {
  return passphrase.length < MIN_PASSPHRASE_LENGTH ? `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters` : undefined;
}

export class KeyFileError extends Error {}

/** The PKCS#8 key encrypted under `passphrase`: an `ENCRYPTED PRIVATE KEY` PEM (what `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes). */
export async function encryptPkcs8(pkcs8: Uint8Array, passphrase: string, iterationCount = PBKDF2_ITERATIONS): Promise<string> {
  const problem = passphraseProblem(passphrase);
  if (problem) throw new KeyFileError(problem);
  const bag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(buffer(pkcs8)) });
  await bag.makeInternalValues({ password: buffer(new TextEncoder().encode(passphrase)), contentEncryptionAlgorithm: PBES2, hmacHashAlgorithm: "SHA-256", iterationCount }, engine());
  return toPem(bag.toSchema().toBER(false), "ENCRYPTED PRIVATE KEY");
}

/** The PKCS#8 DER of a `PRIVATE KEY` or (with its passphrase) `ENCRYPTED PRIVATE KEY` PEM. */
export async function readPrivateKeyPem(pem: string, passphrase: string): Promise<Uint8Array> {
  const [plain] = pemBlocks(pem, "PRIVATE KEY");
  if (plain) return plain;
  const [encrypted] = pemBlocks(pem, "ENCRYPTED PRIVATE KEY");
  if (!encrypted) throw new KeyFileError("The file holds no PKCS#8 private key (BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY)");
  if (!passphrase) throw new KeyFileError("The key file is encrypted: enter its passphrase");
  let bag: pkijs.PKCS8ShroudedKeyBag;
  try {
    bag = pkijs.PKCS8ShroudedKeyBag.fromBER(buffer(encrypted));
  } catch {
    throw new KeyFileError("The encrypted key file is malformed");
  }
  try {
    const plainDer = await engine().decryptEncryptedContentInfo({
      password: buffer(new TextEncoder().encode(passphrase)),
      encryptedContentInfo: new pkijs.EncryptedContentInfo({ contentType: pkijs.ContentInfo.DATA, contentEncryptionAlgorithm: bag.encryptionAlgorithm, encryptedContent: bag.encryptedData }),
    });
    pkijs.PrivateKeyInfo.fromBER(plainDer);
    return new Uint8Array(plainDer);
  } catch {
    throw new KeyFileError("The passphrase does not open this key file");
  }
}

/** The RSA public key of a PKCS#8 RSA private key (modulus, exponent), to match it against a certificate. */
function rsaPublicOf(pkcs8: Uint8Array): string {
  const info = pkijs.PrivateKeyInfo.fromBER(buffer(pkcs8));
  const rsa = info.parsedKey;
  if (!(rsa instanceof pkijs.RSAPrivateKey)) throw new KeyFileError("Only RSA keys go into a plugin PKCS#12");
  return `${rsa.modulus.toString("hex")}:${rsa.publicExponent.toString("hex")}`;
}

function rsaPublicOfCertificate(cert: pkijs.Certificate): string | undefined {
  const key = cert.subjectPublicKeyInfo.parsedKey;
  return key instanceof pkijs.RSAPublicKey ? `${key.modulus.toString("hex")}:${key.publicExponent.toString("hex")}` : undefined;
}

/**
 * A PKCS#12 (PFX) holding the key (shrouded with PBES2 AES-256-CBC / PBKDF2-SHA256) and the
 * certificate chain (leaf first, in a PBES2-encrypted safe), MAC'd with HMAC-SHA256. Refuses a key
 * that is not the certificate's.
 */
export async function buildPkcs12(pkcs8: Uint8Array, chainDer: Uint8Array[], passphrase: string, friendlyName: string, iterationCount = PBKDF2_ITERATIONS): Promise<Uint8Array> {
  const problem = passphraseProblem(passphrase);
  if (problem) throw new KeyFileError(problem);
  if (!chainDer.length) throw new KeyFileError("No certificate to put beside the key");
  const certs = chainDer.map((der) => pkijs.Certificate.fromBER(buffer(der)));
  if (rsaPublicOf(pkcs8) !== rsaPublicOfCertificate(certs[0])) throw new KeyFileError("This key is not the key of this certificate");
  const crypto = engine();
  const password = buffer(new TextEncoder().encode(passphrase));
  const keyId = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-1", buffer(new Uint8Array(certs[0].subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView))));
  const attributes = () => [
    new pkijs.Attribute({ type: FRIENDLY_NAME, values: [new asn1js.BmpString({ value: friendlyName })] }),
    new pkijs.Attribute({ type: LOCAL_KEY_ID, values: [new asn1js.OctetString({ valueHex: buffer(keyId) })] }),
  ];
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(buffer(pkcs8)) });
  await keyBag.makeInternalValues({ password, contentEncryptionAlgorithm: PBES2, hmacHashAlgorithm: "SHA-256", iterationCount }, crypto);
  const certBags = certs.map(
    (cert, i) =>
      new pkijs.SafeBag({
        bagId: CERT_BAG,
        bagValue: new pkijs.CertBag({ certId: X509_CERTIFICATE, parsedValue: cert }),
        ...(i === 0 ? { bagAttributes: attributes() } : {}),
      }),
  );
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: PKCS8_SHROUDED_KEY_BAG, bagValue: keyBag, bagAttributes: attributes() })] }) },
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certBags }) },
          ],
        },
      }),
    },
  });
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{}, { password, contentEncryptionAlgorithm: PBES2, hmacHashAlgorithm: "SHA-256", iterationCount }] }, crypto);
  // pkijs turns the passphrase into the NUL-terminated BMPString the MAC KDF takes (RFC 7292 B.1).
  await pfx.makeInternalValues({ password, iterations: PKCS12_MAC_ITERATIONS, pbkdf2HashAlgorithm: { name: "SHA-256" }, hmacHashAlgorithm: "SHA-256" }, crypto);
  return new Uint8Array(pfx.toSchema().toBER(false));
}
