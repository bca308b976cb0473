// Every extension Signet issues (and the common others), in plain words for the certificate page.
// A client that meets an unknown *critical* extension must reject the certificate (RFC 5280 §4.2),
// so unknown ones are still listed with their OID.
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  type Extension,
  type GeneralName,
} from "@peculiar/asn1-x509";
import { nameToString } from "../../pki/certificate/names";
import { OIDS } from "../../pki/certificate/profiles";

export type ExtensionWords = { oid: string; name: string; critical: boolean; meaning: string; values: string[] };

const KEY_USAGE_WORDS: Record<string, string> = {
  digitalSignature: "Digital signature — signatures made with this key (plugin archives, OCSP answers) are valid",
  nonRepudiation: "Content commitment (non-repudiation)",
  keyEncipherment: "Key encipherment — may encrypt other keys",
  dataEncipherment: "Data encipherment — may encrypt data directly",
  keyAgreement: "Key agreement",
  keyCertSign: "Certificate signing — may issue certificates",
  crlSign: "CRL signing — may publish certificate revocation lists",
  encipherOnly: "Encipher only",
  decipherOnly: "Decipher only",
};

const EKU_WORDS: Record<string, string> = {
  [OIDS.codeSigning]: "Code signing — sign software such as plugin archives",
  [OIDS.ocspSigning]: "OCSP signing — sign revocation status answers on its CA's behalf",
  "1.3.6.1.5.5.7.3.1": "TLS server authentication",
  "1.3.6.1.5.5.7.3.2": "TLS client authentication",
  "1.3.6.1.5.5.7.3.4": "Email protection (S/MIME)",
  "1.3.6.1.5.5.7.3.8": "Time stamping",
  "2.5.29.37.0": "Any purpose",
};

export const colonHex = (bytes: ArrayBuffer | Uint8Array) =>
  Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("hex").toUpperCase().match(/../g)?.join(":") ?? "";

export function generalNameText(n: GeneralName): string {
  if (n.directoryName) return `directory name ${nameToString(n.directoryName)}`;
  if (n.dNSName) return `DNS ${n.dNSName}`;
  if (n.rfc822Name) return `email ${n.rfc822Name}`;
  if (n.uniformResourceIdentifier) return n.uniformResourceIdentifier;
  if (n.iPAddress) return `IP ${n.iPAddress}`;
  if (n.registeredID) return `registered id ${n.registeredID}`;
  return "other name";
}

type Decoder = (value: ArrayBuffer) => Omit<ExtensionWords, "oid" | "critical">;

const DECODERS: Record<string, Decoder> = {
  [OIDS.basicConstraints]: (v) => {
    const bc = AsnConvert.parse(v, BasicConstraints);
    if (!bc.cA) return { name: "Basic constraints", meaning: "End entity: not a certificate authority, cannot issue certificates", values: ["CA: no"] };
    const depth =
      bc.pathLenConstraint === undefined
        ? "no limit on the levels of CAs below it"
        : bc.pathLenConstraint === 0
          ? "may issue end-entity certificates only, no further CAs below it"
          : `at most ${bc.pathLenConstraint} level(s) of CAs below it`;
    return { name: "Basic constraints", meaning: `Certificate authority: ${depth}`, values: ["CA: yes", `Path length: ${bc.pathLenConstraint ?? "unlimited"}`] };
  },
  [OIDS.keyUsage]: (v) => {
    const usages = AsnConvert.parse(v, KeyUsage).toJSON();
    return { name: "Key usage", meaning: "What the key may do", values: usages.map((u) => KEY_USAGE_WORDS[u] ?? u) };
  },
  [OIDS.extKeyUsage]: (v) => {
    const purposes = [...AsnConvert.parse(v, ExtendedKeyUsage)];
    return { name: "Extended key usage", meaning: "The purposes relying parties accept this certificate for", values: purposes.map((o) => EKU_WORDS[o] ?? `purpose ${o}`) };
  },
  [OIDS.nameConstraints]: (v) => {
    const nc = AsnConvert.parse(v, NameConstraints);
    const values = [
      ...(nc.permittedSubtrees ?? []).map((t) => `Permitted: ${generalNameText(t.base)}`),
      ...(nc.excludedSubtrees ?? []).map((t) => `Excluded: ${generalNameText(t.base)}`),
    ];
    return { name: "Name constraints", meaning: "Every certificate issued below must be named inside the permitted names (and outside the excluded ones)", values };
  },
  [OIDS.crlDistributionPoints]: (v) => {
    const points = AsnConvert.parse(v, CRLDistributionPoints);
    return { name: "CRL distribution points", meaning: "Where relying parties download the issuer's revocation list", values: points.flatMap((p) => (p.distributionPoint?.fullName ?? []).map(generalNameText)) };
  },
  [OIDS.authorityInfoAccess]: (v) => {
    const aia = AsnConvert.parse(v, AuthorityInfoAccessSyntax);
    const label = (oid: string) => (oid === OIDS.adOcsp ? "OCSP responder" : oid === OIDS.adCaIssuers ? "Issuer certificate" : oid);
    return { name: "Authority information access", meaning: "Where to ask about revocation (OCSP) and fetch the issuer's certificate", values: aia.map((a) => `${label(a.accessMethod)}: ${generalNameText(a.accessLocation)}`) };
  },
  [OIDS.subjectKeyIdentifier]: (v) => ({ name: "Subject key identifier", meaning: "Identifies this certificate's public key", values: [colonHex(AsnConvert.parse(v, SubjectKeyIdentifier).buffer)] }),
  [OIDS.authorityKeyIdentifier]: (v) => {
    const aki = AsnConvert.parse(v, AuthorityKeyIdentifier);
    const values = [
      ...(aki.keyIdentifier ? [`Key id: ${colonHex(aki.keyIdentifier.buffer)}`] : []),
      ...(aki.authorityCertIssuer ?? []).map((n) => `Issuer: ${generalNameText(n)}`),
      ...(aki.authorityCertSerialNumber ? [`Issuer serial: ${colonHex(aki.authorityCertSerialNumber)}`] : []),
    ];
    return { name: "Authority key identifier", meaning: "Identifies the issuer's key that signed this certificate", values };
  },
  [OIDS.ocspNoCheck]: () => ({ name: "OCSP no check", meaning: "Clients need not check this responder certificate's own revocation status (RFC 6960 §4.2.2.2.1)", values: ["present"] }),
  "2.5.29.17": (v) => ({ name: "Subject alternative name", meaning: "Other names this certificate is valid for", values: AsnConvert.parse(v, SubjectAlternativeName).map(generalNameText) }),
  "2.5.29.32": (v) => ({ name: "Certificate policies", meaning: "Policies the certificate was issued under", values: AsnConvert.parse(v, CertificatePolicies).map((p) => `policy ${p.policyIdentifier}`) }),
};

export function describeExtensionInWords(e: Extension): ExtensionWords {
  const decode = DECODERS[e.extnID];
  const value = e.extnValue.buffer;
  if (!decode) return { oid: e.extnID, critical: e.critical, name: `Extension ${e.extnID}`, meaning: "Not recognized by Signet", values: [`${value.byteLength} bytes`] };
  try {
    return { oid: e.extnID, critical: e.critical, ...decode(value) };
  } catch {
    return { oid: e.extnID, critical: e.critical, name: `Extension ${e.extnID}`, meaning: "Its value could not be decoded", values: [] };
  }
}
