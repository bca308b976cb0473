// What a certificate will say, computed by the code that writes it: the profile's extensions
// (profileExtensions, as prepareCertificate calls it) and the profile's subject, read back in words.
// Beside a CSR: which of its subject attributes and extensions the certificate keeps (none is
// copied; a few happen to match what the profile writes anyway) and which are ignored.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { Extensions, SubjectPublicKeyInfo, type Name } from "@peculiar/asn1-x509";
import { describeExtension } from "../csr/describe-extension";
import { profileExtensions, type PkiUrls } from "./extensions";
import { buildName, nameAttributes, nameToString, type NamePart } from "./names";
import type { Profile } from "./profiles";

export type PreviewExtension = { oid: string; name: string; critical: boolean; summary: string };
export type CsrAttributeOutcome = { type: string; value: string; kept: boolean };
/** `same`: the certificate carries this extension with this value (the profile's, not copied); `replaced`: the profile writes another value; `dropped`: the certificate has no such extension. */
export type CsrExtensionOutcome = PreviewExtension & { outcome: "same" | "replaced" | "dropped"; issuedAs?: string };

export type IssuancePreview = {
  subject: string;
  extensions: PreviewExtension[];
  csr?: { subject: string; subjectAttributes: CsrAttributeOutcome[]; extensions: CsrExtensionOutcome[] };
  /** One line per part of the CSR the certificate does not carry, in words. */
  ignoredFromCsr: string[];
};

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const KEY_IDENTIFIERS: Record<string, string> = {
  "2.5.29.14": "SHA-1 of the certified public key",
  "2.5.29.35": "the issuing CA's key identifier",
};
// Before a key exists (hosted keys): the encoder needs an SPKI to hash; the identifiers are shown in words, never as values.
const NO_KEY_YET = new Uint8Array(AsnConvert.serialize(new SubjectPublicKeyInfo()));

function csrParts(csrDer: Uint8Array): { subject: Name; extensions: PreviewExtension[] } {
  const csr = AsnConvert.parse(csrDer, CertificationRequest);
  const extensions: PreviewExtension[] = [];
  for (const attribute of csr.certificationRequestInfo.attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const value of attribute.values) for (const e of AsnConvert.parse(value, Extensions)) extensions.push({ oid: e.extnID, critical: Boolean(e.critical), ...describeExtension(e) });
  }
  return { subject: csr.certificationRequestInfo.subject, extensions };
}

export function previewIssuance(input: {
  profile: Profile;
  subject: NamePart[];
  /** The key being certified, when it exists (a CSR's); hosted keys are generated at approval. */
  subjectPublicKeySpki?: Uint8Array;
  orgName?: string;
  urls?: PkiUrls;
  /** A CSR that `parseCsr` accepted (its DER). */
  csrDer?: Uint8Array;
}): IssuancePreview {
  const issuedName = buildName(input.subject);
  const extensions = profileExtensions({
    profile: input.profile,
    subjectPublicKeySpki: input.subjectPublicKeySpki ?? NO_KEY_YET,
    issuerKeyIdentifier: new Uint8Array(20),
    orgName: input.orgName,
    // Without a CA yet (an org not approved), the pointers are Signet's, with the CA id to come.
    urls: input.urls ?? (input.profile.revocationPointers ? { crlUrl: "(Signet's CRL for the issuing CA)", ocspUrl: "(Signet's OCSP responder)", caIssuersUrl: "(the issuing CA's certificate on Signet)" } : undefined),
  }).map((e) => {
    const described = describeExtension(e);
    return { oid: e.extnID, critical: Boolean(e.critical), name: described.name, summary: KEY_IDENTIFIERS[e.extnID] ?? described.summary };
  });
  const preview: IssuancePreview = { subject: nameToString(issuedName), extensions, ignoredFromCsr: [] };
  if (!input.csrDer) return preview;

  const csr = csrParts(input.csrDer);
  const issuedAttributes = nameAttributes(issuedName);
  const subjectAttributes = nameAttributes(csr.subject).map((a) => ({ ...a, kept: issuedAttributes.some((i) => i.type === a.type && i.value === a.value) }));
  const csrExtensions = csr.extensions.map((e): CsrExtensionOutcome => {
    const issued = extensions.find((i) => i.oid === e.oid);
    if (!issued) return { ...e, outcome: "dropped" };
    return issued.summary === e.summary && issued.critical === e.critical ? { ...e, outcome: "same" } : { ...e, outcome: "replaced", issuedAs: `${issued.critical ? "(critical) " : ""}${issued.summary}` };
  });
  preview.csr = { subject: nameToString(csr.subject), subjectAttributes, extensions: csrExtensions };
  preview.ignoredFromCsr = [
    ...subjectAttributes.filter((a) => !a.kept).map((a) => `Subject attribute ${a.type}=${a.value}`),
    ...csrExtensions.filter((e) => e.outcome !== "same").map((e) => `${e.name}${e.critical ? " (critical)" : ""}: ${e.summary}${e.outcome === "replaced" ? ` (the certificate says ${e.issuedAs})` : " (not in the certificate)"}`),
  ];
  return preview;
}
