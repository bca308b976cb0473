// "What will be issued", for a request under review and for a dry run before one is made: the
// subject and extensions come from the code that writes the certificate (lib/pki/certificate/
// preview.ts runs the profile's own encoders), and a CSR is compared part by part with the result.
import { orgCaSubject, pluginSubject } from "../../pki/certificate/issue";
import { previewIssuance } from "../../pki/certificate/preview";
import { PROFILES } from "../../pki/certificate/profiles";
import type { ParsedCsr } from "../../pki/csr/parse-csr";
import { pkiUrlsFor } from "../certificates/pki-urls";

export function willIssue(input: {
  kind: "org_ca" | "plugin_cert";
  orgName: string;
  pluginId?: string | null;
  keyMode: "hosted" | "external";
  keyAlgorithm: string;
  csr?: ParsedCsr;
  issuerCaId?: string;
  validityDays: number;
}) {
  const isOrgCa = input.kind === "org_ca";
  const preview = previewIssuance({
    profile: isOrgCa ? PROFILES.orgCa : PROFILES.plugin,
    subject: isOrgCa ? orgCaSubject(input.orgName) : pluginSubject(input.orgName, input.pluginId ?? ""),
    subjectPublicKeySpki: input.csr?.publicKeySpki,
    orgName: input.orgName,
    urls: input.issuerCaId ? pkiUrlsFor(input.issuerCaId) : undefined,
    csrDer: input.csr?.der,
  });
  return {
    subject: preview.subject,
    validityDays: input.validityDays,
    key: input.keyMode === "hosted" ? `${input.keyAlgorithm}, generated and held by Signet` : `${input.keyAlgorithm} from the CSR (held by the organization)`,
    extensions: preview.extensions.map((e) => `${e.name}${e.critical ? " (critical)" : ""}: ${e.summary}`),
    /** The CSR part by part: each subject attribute kept or not, each requested extension `same`, `replaced` or `dropped`. */
    fromCsr: preview.csr ?? null,
    ignoredFromCsr: preview.ignoredFromCsr,
  };
}
