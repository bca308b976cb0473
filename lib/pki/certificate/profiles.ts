// Certificate profiles as data (PRODUCT.md "The hierarchy"). The profile decides every field of an
// issued certificate; a CSR contributes only its public key.
import type { KeyAlgorithm } from "../signer";

export const OIDS = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
  adOcsp: "1.3.6.1.5.5.7.48.1",
  adCaIssuers: "1.3.6.1.5.5.7.48.2",
} as const;

export type KeyUsageName = "digitalSignature" | "keyCertSign" | "cRLSign";

export type Profile = {
  kind: "rootCa" | "orgCa" | "plugin" | "ocspResponder";
  basicConstraints: { ca: boolean; pathLen?: number; critical: true };
  keyUsage: { usages: KeyUsageName[]; critical: true };
  extendedKeyUsage?: string[];
  /** Everything below must be named within O=<org> (critical, permitted directoryName subtree). */
  nameConstraintToOrg: boolean;
  revocationPointers: boolean;
  ocspNoCheck: boolean;
  authorityKeyIdentifier: boolean;
  allowedKeys: readonly KeyAlgorithm[];
  defaultValidityDays: number;
};

const ANY_KEY = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const;

export const PROFILES = {
  rootCa: {
    kind: "rootCa",
    basicConstraints: { ca: true, critical: true },
    keyUsage: { usages: ["keyCertSign", "cRLSign"], critical: true },
    nameConstraintToOrg: false,
    revocationPointers: false,
    ocspNoCheck: false,
    authorityKeyIdentifier: true,
    allowedKeys: ["ecdsa-p256", "ecdsa-p384", "rsa-3072", "rsa-4096"],
    defaultValidityDays: 30 * 365,
  },
  orgCa: {
    kind: "orgCa",
    basicConstraints: { ca: true, pathLen: 0, critical: true },
    keyUsage: { usages: ["keyCertSign", "cRLSign"], critical: true },
    nameConstraintToOrg: true,
    revocationPointers: true,
    ocspNoCheck: false,
    authorityKeyIdentifier: true,
    allowedKeys: ANY_KEY,
    defaultValidityDays: 365,
  },
  // Jami verifies RSA PKCS#1 v1.5 SHA-512 only: plugin keys are RSA.
  plugin: {
    kind: "plugin",
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: ["digitalSignature"], critical: true },
    extendedKeyUsage: [OIDS.codeSigning],
    nameConstraintToOrg: false,
    revocationPointers: true,
    ocspNoCheck: false,
    authorityKeyIdentifier: true,
    allowedKeys: ["rsa-2048", "rsa-3072", "rsa-4096"],
    defaultValidityDays: 365,
  },
  // Delegated responder (RFC 6960 §4.2.2.2), short-lived; id-pkix-ocsp-nocheck so clients do not
  // ask about the responder's own status (§4.2.2.2.1).
  ocspResponder: {
    kind: "ocspResponder",
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: ["digitalSignature"], critical: true },
    extendedKeyUsage: [OIDS.ocspSigning],
    nameConstraintToOrg: false,
    revocationPointers: false,
    ocspNoCheck: true,
    authorityKeyIdentifier: true,
    allowedKeys: ANY_KEY,
    defaultValidityDays: 7,
  },
} as const satisfies Record<string, Profile>;
