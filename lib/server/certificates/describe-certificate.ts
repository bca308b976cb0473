// A certificate read field by field for people: names, validity with days left, the key, and every
// extension in plain words (extension-words.ts).
import crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, type Name } from "@peculiar/asn1-x509";
import { nameToString } from "../../pki/certificate/names";
import { publicKeyWeakness, PublicKeyError, readPublicKey, type CheckedPublicKey } from "../../pki/keys/check-public-key";
import { colonHex, describeExtensionInWords, type ExtensionWords } from "./extension-words";

export type DecodedCertificate = {
  version: number;
  serial: string;
  signatureAlgorithm: string;
  subject: { dn: string; attributes: { label: string; value: string }[] };
  issuer: { dn: string; attributes: { label: string; value: string }[] };
  selfSigned: boolean;
  validity: { notBefore: string; notAfter: string; totalDays: number; daysLeft: number; state: "not-yet-valid" | "valid" | "expired" };
  publicKey: { algorithm: string; summary: string; spkiSha256: string };
  fingerprints: { sha256: string; sha1: string };
  extensions: ExtensionWords[];
};

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  "1.2.840.10045.4.3.2": "ECDSA with SHA-256",
  "1.2.840.10045.4.3.3": "ECDSA with SHA-384",
  "1.2.840.10045.4.3.4": "ECDSA with SHA-512",
  "1.2.840.113549.1.1.5": "RSA PKCS#1 v1.5 with SHA-1 (weak)",
  "1.2.840.113549.1.1.11": "RSA PKCS#1 v1.5 with SHA-256",
  "1.2.840.113549.1.1.12": "RSA PKCS#1 v1.5 with SHA-384",
  "1.2.840.113549.1.1.13": "RSA PKCS#1 v1.5 with SHA-512",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.3.101.112": "Ed25519",
};

const ATTRIBUTE_LABELS: Record<string, string> = {
  "2.5.4.3": "Common name",
  "2.5.4.10": "Organization",
  "2.5.4.11": "Organizational unit",
  "2.5.4.6": "Country",
  "2.5.4.7": "Locality",
  "2.5.4.8": "State or province",
  "1.2.840.113549.1.9.1": "Email",
};

const DAY_MS = 86_400_000;

function nameParts(name: Name) {
  const attributes = name.flatMap((rdn) =>
    rdn.map((atv) => {
      const v = atv.value;
      const value = v.utf8String ?? v.printableString ?? v.teletexString ?? v.universalString ?? v.bmpString ?? (v.anyValue ? `#${Buffer.from(v.anyValue).toString("hex")}` : "");
      return { label: ATTRIBUTE_LABELS[atv.type] ?? atv.type, value };
    }),
  );
  return { dn: nameToString(name), attributes };
}

function describeKey(spkiDer: Uint8Array): DecodedCertificate["publicKey"] {
  const spkiSha256 = crypto.createHash("sha256").update(spkiDer).digest("hex");
  let key: CheckedPublicKey;
  try {
    key = readPublicKey(spkiDer);
  } catch (err) {
    if (err instanceof PublicKeyError) return { algorithm: "invalid", summary: `Unusable key: ${err.message}`, spkiSha256 };
    throw err;
  }
  const weakness = publicKeyWeakness(key);
  const summary = key.type === "rsa" ? `RSA ${key.bits} bits` : `ECDSA on ${key.curve}`;
  return { algorithm: key.type === "rsa" ? "RSA" : "ECDSA", summary: weakness ? `${summary} (weak: ${weakness})` : summary, spkiSha256 };
}

export function describeCertificate(der: Uint8Array, now = new Date()): DecodedCertificate {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  const subject = nameParts(tbs.subject);
  const issuer = nameParts(tbs.issuer);
  return {
    version: tbs.version + 1,
    serial: colonHex(tbs.serialNumber),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.algorithm] ?? cert.signatureAlgorithm.algorithm,
    subject,
    issuer,
    selfSigned: subject.dn === issuer.dn,
    validity: {
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      totalDays: Math.round((notAfter.getTime() - notBefore.getTime()) / DAY_MS),
      daysLeft: Math.max(0, Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS)),
      state: now < notBefore ? "not-yet-valid" : now >= notAfter ? "expired" : "valid",
    },
    publicKey: describeKey(new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo))),
    fingerprints: {
      sha256: colonHex(crypto.createHash("sha256").update(der).digest()),
      sha1: colonHex(crypto.createHash("sha1").update(der).digest()),
    },
    extensions: (tbs.extensions ?? []).map(describeExtensionInWords),
  };
}
