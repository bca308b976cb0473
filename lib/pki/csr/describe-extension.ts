// Plain words for extensions a CSR asks for, so an operator sees what was requested (and ignored).
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, type Extension } from "@peculiar/asn1-x509";

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
      default:
        return { name: e.extnID, summary: `${e.extnValue.byteLength} bytes` };
    }
  } catch {
    return { name: e.extnID, summary: "unreadable value" };
  }
}
