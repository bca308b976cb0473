// Plain words for extensions a CSR asks for, so an operator sees what was requested (and ignored).
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CRLDistributionPoints, ExtendedKeyUsage, KeyUsage, NameConstraints, SubjectAlternativeName, SubjectKeyIdentifier, type Extension, type GeneralName } from "@peculiar/asn1-x509";
import { nameToString } from "../certificate/names";

const EKU_NAMES: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
};

export function describeExtension(e: Extension): { name: string; summary: string } {
  try {
    switch (e.extnID) {
      case "2.5.29.19": {
        const bc = AsnConvert.parse(e.extnValue, BasicConstraints);
        return { name: "Basic Constraints", summary: `CA:${bc.cA ? "TRUE" : "FALSE"}${bc.pathLenConstraint !== undefined ? `, pathlen:${bc.pathLenConstraint}` : ""}` };
      }
      case "2.5.29.15":
        return { name: "Key Usage", summary: AsnConvert.parse(e.extnValue, KeyUsage).toJSON().join(", ") };
      case "2.5.29.37":
        return { name: "Extended Key Usage", summary: [...AsnConvert.parse(e.extnValue, ExtendedKeyUsage)].map((o) => EKU_NAMES[o] ?? o).join(", ") };
      case "2.5.29.17": {
        const san = AsnConvert.parse(e.extnValue, SubjectAlternativeName);
        return { name: "Subject Alternative Name", summary: san.map((g) => g.dNSName ?? g.rfc822Name ?? g.uniformResourceIdentifier ?? "other name").join(", ") };
      }
      case "2.5.29.14":
        return { name: "Subject Key Identifier", summary: hex(AsnConvert.parse(e.extnValue, SubjectKeyIdentifier)) };
      case "2.5.29.35": {
        const aki = AsnConvert.parse(e.extnValue, AuthorityKeyIdentifier);
        return { name: "Authority Key Identifier", summary: aki.keyIdentifier ? hex(aki.keyIdentifier) : "no key identifier" };
      }
      case "2.5.29.30": {
        const nc = AsnConvert.parse(e.extnValue, NameConstraints);
        const list = (subtrees: typeof nc.permittedSubtrees) => [...(subtrees ?? [])].map((t) => generalName(t.base)).join(", ");
        return { name: "Name Constraints", summary: [nc.permittedSubtrees ? `permitted ${list(nc.permittedSubtrees)}` : "", nc.excludedSubtrees ? `excluded ${list(nc.excludedSubtrees)}` : ""].filter(Boolean).join("; ") };
      }
      case "2.5.29.31":
        return { name: "CRL Distribution Points", summary: [...AsnConvert.parse(e.extnValue, CRLDistributionPoints)].flatMap((dp) => (dp.distributionPoint?.fullName ?? []).map(generalName)).join(", ") };
      case "1.3.6.1.5.5.7.1.1":
        return { name: "Authority Info Access", summary: [...AsnConvert.parse(e.extnValue, AuthorityInfoAccessSyntax)].map((a) => `${ACCESS_METHODS[a.accessMethod] ?? a.accessMethod} ${generalName(a.accessLocation)}`).join(", ") };
      case "1.3.6.1.5.5.7.48.1.5":
        return { name: "OCSP No Check", summary: "present" };
      default:
        return { name: e.extnID, summary: `${e.extnValue.byteLength} bytes` };
    }
  } catch {
    return { name: e.extnID, summary: "unreadable value" };
  }
}

const ACCESS_METHODS: Record<string, string> = { "1.3.6.1.5.5.7.48.1": "OCSP", "1.3.6.1.5.5.7.48.2": "CA Issuers" };

function hex(bytes: ArrayBuffer | ArrayBufferView): string {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Buffer.from(view).toString("hex").replace(/(..)(?!$)/g, "$1:");
}

function generalName(g: GeneralName): string {
  if (g.directoryName) return `directoryName ${nameToString(g.directoryName)}`;
  return g.uniformResourceIdentifier ?? g.dNSName ?? g.rfc822Name ?? g.iPAddress ?? "other name";
}
