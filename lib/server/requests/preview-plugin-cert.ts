// A dry run of a plugin-certificate request: the same input, the same checks and the same CSR
// parser as the request itself (checkPluginCertRequest), and nothing stored. The requester sees,
// before submitting, how the certificate will be named and what of the CSR it ignores.
import type { z } from "zod";
import { requireUser, type Principal } from "../auth/principal";
import { readStorePolicy } from "../settings/store-policy";
import { checkPluginCertRequest, pluginCertRequestInput } from "./request-plugin-cert";
import { willIssue } from "./will-issue";

export async function previewPluginCert(principal: Principal, orgSlug: string, raw: z.input<typeof pluginCertRequestInput>) {
  const actor = requireUser(principal);
  const input = pluginCertRequestInput.parse(raw);
  const { client, org, csr, issuerCaId } = await checkPluginCertRequest(actor, orgSlug, input);
  const policy = await readStorePolicy(client);
  const keyAlgorithm = csr?.keyAlgorithm ?? input.keyAlgorithm ?? "rsa-3072";
  return {
    csr: csr ? { subject: csr.subject, keyAlgorithm: csr.keyAlgorithm, keySize: csr.keySize, fingerprintSha256: csr.fingerprintSha256, requestedExtensions: csr.requestedExtensions } : null,
    willIssue: willIssue({ kind: "plugin_cert", orgName: org.name, pluginId: input.pluginId, keyMode: csr ? "external" : "hosted", keyAlgorithm, csr, issuerCaId, validityDays: policy.pluginCertValidityDays }),
  };
}
