// Prepare-then-issue (Boulder's split): build the TBSCertificate from the profile, check it against
// the profile and the issuer, and only then let the signer see it.
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Extensions, Name, SubjectPublicKeyInfo, TBSCertificate, Validity, Version } from "@peculiar/asn1-x509";
import { defaultHash, signatureAlgorithmHasNullParams, signatureAlgorithmOid, type HashName, type KeyAlgorithm, type Signer } from "../signer";
import { checkTbsAgainstProfile, type IssuerFacts } from "./check-profile";
import { keyIdentifierOf, profileExtensions, type PkiUrls } from "./extensions";
import { buildName, type NamePart } from "./names";
import { PROFILES, type Profile } from "./profiles";
import { certificateInfo, type CertificateInfo } from "./info";

export { certificateInfo, type CertificateInfo } from "./info";
export { toPem, fromPem } from "./pem";
export type { PkiUrls } from "./extensions";

const NULL_PARAMS = new Uint8Array([0x05, 0x00]);

export function signatureAlgorithm(algorithm: KeyAlgorithm, hash: HashName): AlgorithmIdentifier {
  return new AlgorithmIdentifier({
    algorithm: signatureAlgorithmOid(algorithm, hash),
    ...(signatureAlgorithmHasNullParams(algorithm) ? { parameters: NULL_PARAMS.buffer.slice(0) } : {}),
  });
}

export type PrepareInput = {
  profile: Profile;
  subject: NamePart[];
  subjectPublicKeySpki: Uint8Array;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  issuer: IssuerFacts;
  signerAlgorithm: KeyAlgorithm;
  orgName?: string;
  urls?: PkiUrls;
};

export type PreparedCertificate = { tbs: TBSCertificate; tbsDer: Uint8Array; hash: HashName; profile: Profile; issuer: IssuerFacts };

export function prepareCertificate(input: PrepareInput): PreparedCertificate {
  const hash = defaultHash(input.signerAlgorithm);
  const notAfter = input.issuer.notAfter && input.issuer.notAfter < input.notAfter ? input.issuer.notAfter : input.notAfter;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: input.serial.slice().buffer,
    signature: signatureAlgorithm(input.signerAlgorithm, hash),
    issuer: AsnConvert.parse(input.issuer.nameDer, Name),
    validity: new Validity({ notBefore: wholeSeconds(input.notBefore), notAfter: wholeSeconds(notAfter) }),
    subject: buildName(input.subject),
    subjectPublicKeyInfo: AsnConvert.parse(input.subjectPublicKeySpki, SubjectPublicKeyInfo),
    extensions: new Extensions(
      profileExtensions({ profile: input.profile, subjectPublicKeySpki: input.subjectPublicKeySpki, issuerKeyIdentifier: input.issuer.keyIdentifier, orgName: input.orgName, urls: input.urls }),
    ),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  return { tbs, tbsDer, hash, profile: input.profile, issuer: input.issuer };
}

export async function issueCertificate(prepared: PreparedCertificate, signer: Signer): Promise<Uint8Array> {
  checkTbsAgainstProfile(prepared.tbsDer, prepared.profile, prepared.issuer, signer.algorithm);
  const signature = await signer.sign(prepared.tbsDer, prepared.hash);
  const cert = new Certificate({ tbsCertificate: prepared.tbs, signatureAlgorithm: prepared.tbs.signature, signatureValue: signature.slice().buffer });
  return new Uint8Array(AsnConvert.serialize(cert));
}

function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function issuerFacts(info: CertificateInfo): IssuerFacts {
  return { nameDer: info.subjectDer, keyIdentifier: info.subjectKeyIdentifier, notAfter: info.notAfter, pathLen: info.pathLen, isCa: info.isCa };
}

export async function issueRootCa(input: { signer: Signer; commonName: string; serial: Uint8Array; notBefore: Date; notAfter: Date }): Promise<Uint8Array> {
  const subject: NamePart[] = [{ type: "CN", value: input.commonName }];
  const prepared = prepareCertificate({
    profile: PROFILES.rootCa,
    subject,
    subjectPublicKeySpki: input.signer.publicKeySpki,
    serial: input.serial,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    issuer: { nameDer: new Uint8Array(AsnConvert.serialize(buildName(subject))), keyIdentifier: keyIdentifierOf(input.signer.publicKeySpki), selfSigned: true },
    signerAlgorithm: input.signer.algorithm,
  });
  return issueCertificate(prepared, input.signer);
}

type ChildInput = { issuer: CertificateInfo; issuerSigner: Signer; subjectPublicKeySpki: Uint8Array; serial: Uint8Array; notBefore: Date; notAfter: Date; urls: PkiUrls };

/** An organization CA's subject: the workflow shows it for review and keeps it unique before issuing. */
export function orgCaSubject(orgName: string): NamePart[] {
  return [
    { type: "O", value: orgName },
    { type: "CN", value: `${orgName} CA` },
  ];
}

export async function issueOrgCa(input: ChildInput & { orgName: string }): Promise<Uint8Array> {
  const prepared = prepareCertificate({
    ...input,
    profile: PROFILES.orgCa,
    subject: orgCaSubject(input.orgName),
    issuer: issuerFacts(input.issuer),
    signerAlgorithm: input.issuerSigner.algorithm,
  });
  return issueCertificate(prepared, input.issuerSigner);
}

/** A plugin certificate's subject: the profile names it, never the CSR. */
export function pluginSubject(orgName: string, pluginId: string): NamePart[] {
  return [
    { type: "O", value: orgName },
    { type: "CN", value: pluginId },
  ];
}

/** A delegated OCSP responder's subject, derived from its CA's. */
export function ocspResponderSubject(issuer: CertificateInfo): NamePart[] {
  const org = issuer.organization;
  return [...(org ? [{ type: "O" as const, value: org }] : []), { type: "CN", value: `${issuer.commonName ?? "Signet CA"} OCSP Responder`.slice(0, 64) }];
}

export async function issuePluginCertificate(input: ChildInput & { orgName: string; pluginId: string }): Promise<Uint8Array> {
  const prepared = prepareCertificate({
    ...input,
    profile: PROFILES.plugin,
    subject: pluginSubject(input.orgName, input.pluginId),
    issuer: issuerFacts(input.issuer),
    signerAlgorithm: input.issuerSigner.algorithm,
  });
  return issueCertificate(prepared, input.issuerSigner);
}

export async function issueOcspResponderCertificate(input: Omit<ChildInput, "urls">): Promise<Uint8Array> {
  const prepared = prepareCertificate({
    ...input,
    profile: PROFILES.ocspResponder,
    subject: ocspResponderSubject(input.issuer),
    issuer: issuerFacts(input.issuer),
    signerAlgorithm: input.issuerSigner.algorithm,
  });
  return issueCertificate(prepared, input.issuerSigner);
}
