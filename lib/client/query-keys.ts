// One hierarchical key factory: invalidate by prefix (e.g. queryKeys.certificates.all) and no two
// queries ever share a key by accident.
export const queryKeys = {
  cas: { all: ["cas"] as const, crl: (caId: string) => ["cas", caId, "crl"] as const, responder: (caId: string) => ["cas", caId, "ocsp-responder"] as const },
  orgs: { all: ["orgs"] as const, detail: (slug: string) => ["orgs", slug] as const, list: (filter: Record<string, string>) => ["orgs", "list", filter] as const, suspensionImpact: (slug: string) => ["orgs", slug, "suspension-impact"] as const },
  plugins: { all: ["plugins"] as const, list: (slug: string) => ["plugins", slug] as const, detail: (slug: string, pluginId: string) => ["plugins", slug, pluginId] as const },
  requests: { all: ["requests"] as const, list: (filter: Record<string, string>) => ["requests", "list", filter] as const },
  certificates: {
    all: ["certificates"] as const,
    list: (filter: Record<string, string>) => ["certificates", "list", filter] as const,
    detail: (serial: string) => ["certificates", "detail", serial] as const,
    impact: (serial: string) => ["certificates", "impact", serial] as const,
    pendingRevocations: ["certificates", "pending-revocations"] as const,
  },
  artifacts: { all: ["artifacts"] as const, list: (filter: Record<string, string>) => ["artifacts", "list", filter] as const },
  audit: {
    all: ["audit"] as const,
    list: (filter: Record<string, string>) => ["audit", "list", filter] as const,
    verify: ["audit", "verify"] as const,
    checkpoint: ["audit", "checkpoint"] as const,
  },
  notifications: { all: ["notifications"] as const },
  settings: { all: ["settings"] as const, policy: ["settings", "policy"] as const },
  tokens: { all: ["tokens"] as const },
  targets: { all: ["targets"] as const },
  trust: { all: ["trust"] as const },
  webhooks: { all: ["webhooks"] as const, list: (slug?: string) => ["webhooks", "list", slug ?? ""] as const, deliveries: (id: string) => ["webhooks", "deliveries", id] as const },
  members: {
    all: ["members"] as const,
    list: (slug: string) => ["members", slug, "list"] as const,
    invitations: (slug: string) => ["members", slug, "invitations"] as const,
  },
  invitation: (token: string) => ["invitation", token] as const,
  outbox: { all: ["outbox"] as const },
  operators: { all: ["operators"] as const, list: ["operators", "list"] as const, invitations: ["operators", "invitations"] as const },
};
