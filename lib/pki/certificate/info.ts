// What the workflows need to know about a certificate, read from its DER.
import crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import { readPublicKey } from "../keys/check-public-key";
import type { KeyAlgorithm } from "../signer";
import { keyIdentifierOf } from "./extensions";
import { nameAttribute, nameToString } from "./names";
import { OIDS } from "./profiles";
import { serialToHex } from "./serial";

export type CertificateInfo = {
  subject: string;
  subjectDer: Uint8Array;
  issuer: string;
  issuerDer: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Uint8Array;
  subjectKeyIdentifier: Uint8Array;
  fingerprintSha256: string;
  keyAlgorithm: KeyAlgorithm | undefined;
  keySize: number | undefined;
  isCa: boolean;
  pathLen: number | undefined;
  commonName: string | undefined;
  organization: string | undefined;
};

export function certificateInfo(der: Uint8Array): CertificateInfo {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const spkiDer = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo));
  const extensions = tbs.extensions ?? [];
  const find = (oid: string) => extensions.find((e) => e.extnID === oid);
  const skiExt = find(OIDS.subjectKeyIdentifier);
  const bcExt = find(OIDS.basicConstraints);
  const bc = bcExt ? AsnConvert.parse(bcExt.extnValue, BasicConstraints) : undefined;
  const key = readPublicKey(spkiDer);
  return {
    subject: nameToString(tbs.subject),
    subjectDer: new Uint8Array(AsnConvert.serialize(tbs.subject)),
    issuer: nameToString(tbs.issuer),
    issuerDer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
    serialHex: serialToHex(new Uint8Array(tbs.serialNumber)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    spkiDer,
    subjectKeyIdentifier: skiExt ? new Uint8Array(AsnConvert.parse(skiExt.extnValue, SubjectKeyIdentifier).buffer) : keyIdentifierOf(spkiDer),
    fingerprintSha256: crypto.createHash("sha256").update(der).digest("hex"),
    keyAlgorithm: key.keyAlgorithm,
    keySize: key.bits,
    isCa: bc?.cA ?? false,
    pathLen: bc?.pathLenConstraint,
    commonName: nameAttribute(tbs.subject, "CN"),
    organization: nameAttribute(tbs.subject, "O"),
  };
}
