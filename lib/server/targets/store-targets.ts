// The store formats Signet signs for (FORMATS.md §4–8) and, per format, the key algorithms its
// verifier accepts. Jami is always on and signs with the plugin certificate; the others sign with a
// store key of their own.
import { z } from "zod";
import type { KeyAlgorithm } from "../../pki/signer";

export const STORE_TARGETS = ["jami", "mattermost", "grafana", "dify", "mender"] as const;
export type StoreTargetName = (typeof STORE_TARGETS)[number];
export type KeyedTarget = Exclude<StoreTargetName, "jami">;

export const targetSchema = z.enum(STORE_TARGETS);
export const keyedTargetSchema = z.enum(["mattermost", "grafana", "dify", "mender"]);

/**
 * What each verifier accepts. Mattermost runs Go's golang.org/x/crypto/openpgp (RSA, ECDSA P-256/P-384;
 * not EdDSA); Grafana runs ProtonMail go-crypto (RSA and ECDSA too). RSA-4096 is the default for both:
 * every release of either verifier and every gpgv reads RSA, while ECDSA in OpenPGP (RFC 6637) is
 * missing from some older x/crypto copies vendored into Mattermost forks, and a P-384 key needs
 * SHA-384+ to please gpgv. One signature per artifact makes RSA's slower signing irrelevant.
 * Dify verifies RSA-4096 PKCS#1 v1.5 only; Mender RSA ≥ 3072 or ECDSA P-256 (raw r‖s).
 */
export const TARGET_ALGORITHMS: Record<KeyedTarget, { allowed: readonly KeyAlgorithm[]; default: KeyAlgorithm }> = {
  mattermost: { allowed: ["rsa-4096", "rsa-3072", "ecdsa-p256", "ecdsa-p384"], default: "rsa-4096" },
  grafana: { allowed: ["rsa-4096", "rsa-3072", "ecdsa-p256", "ecdsa-p384"], default: "rsa-4096" },
  dify: { allowed: ["rsa-4096"], default: "rsa-4096" },
  mender: { allowed: ["rsa-3072", "rsa-4096", "ecdsa-p256"], default: "rsa-3072" },
};

/** Targets whose signing this server implements. */
export const SIGNING_TARGETS: readonly StoreTargetName[] = ["jami", "mattermost", "grafana", "dify", "mender"];

/** The targets whose store keys are OpenPGP keys (their key file is an armored transferable public key). */
export const OPENPGP_TARGETS: readonly KeyedTarget[] = ["mattermost", "grafana"];

const keyIdSchema = z.string().regex(/^[0-9a-fA-F]{16}$/, "a Grafana key ID is 16 hex digits").transform((s) => s.toLowerCase());

export const grafanaSettingsSchema = z
  .object({
    /** Where /grafana/api/… requests other than the keys endpoint are forwarded (Grafana's catalog). */
    upstreamUrl: z.string().url().refine((u) => /^https?:\/\//i.test(u), "upstreamUrl must be http(s)").optional(),
    /** Grafana Labs' own published keys: Grafana deletes every cached key the keys endpoint omits. */
    grafanaKeys: z
      .array(z.object({ keyId: keyIdSchema, public: z.string().min(1).max(64 * 1024), since: z.number().int().nonnegative().optional() }).strict())
      .max(20)
      .default([]),
    /** What Signet's manifests claim: never "grafana" (Grafana Labs' own) nor "commercial" (a Grafana Labs contract); private types are bound to each org's root URLs. */
    signatureType: z.enum(["private", "private-glob", "community"]).default("private"),
  })
  .strict();
export type GrafanaSettings = z.infer<typeof grafanaSettingsSchema>;

export function readGrafanaSettings(settings: unknown): GrafanaSettings {
  const parsed = grafanaSettingsSchema.safeParse(settings ?? {});
  return parsed.success ? parsed.data : grafanaSettingsSchema.parse({});
}

export const difySettingsSchema = z
  .object({
    /** What `.verification.dify.json` grants: never "langgenius" (Dify's own category). */
    authorizedCategory: z.enum(["community", "partner"]).default("community"),
  })
  .strict();
export type DifySettings = z.infer<typeof difySettingsSchema>;

export function readDifySettings(settings: unknown): DifySettings {
  const parsed = difySettingsSchema.safeParse(settings ?? {});
  return parsed.success ? parsed.data : difySettingsSchema.parse({});
}
