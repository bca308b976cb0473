"use client";

// Settings: store policy, the signed-in person's API tokens, and webhooks. Writes update the cache
// optimistically and roll back if the server refuses.
import { useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { StorePolicy } from "@/lib/server/settings/store-policy";
import type { ApiTokenJson } from "@/lib/server/tokens/manage-api-tokens";
import type { WebhookJson } from "@/lib/server/webhooks/manage-webhooks";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";

export type { ApiTokenJson, StorePolicy, WebhookJson };
export type WebhookDelivery = { id: string; event: string; status: string; attempts: number; responseStatus: number | null; lastError: string | null; createdAt: string; lastAttemptAt: string | null; nextAttemptAt: string | null };

/** Optimistic write: apply `update` to the cached value now, restore it on error, refetch after. */
function useOptimistic<TVars, TData>(key: QueryKey, mutationFn: (vars: TVars) => Promise<TData>, update: <T>(current: T, vars: TVars) => T, alsoInvalidate: QueryKey[] = []) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onMutate: async (vars: TVars) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData(key);
      if (previous !== undefined) client.setQueryData(key, update(previous, vars));
      return { previous };
    },
    onError: (_err, _vars, context) => {
      if (context?.previous !== undefined) client.setQueryData(key, context.previous);
    },
    onSettled: () => Promise.all([key, ...alsoInvalidate].map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

export const useStorePolicy = () => useQuery({ queryKey: queryKeys.settings.policy, queryFn: () => apiFetch<StorePolicy>("/api/v1/settings/policy") });

export const useUpdateStorePolicy = () =>
  useOptimistic<Partial<StorePolicy>, StorePolicy>(
    queryKeys.settings.policy,
    (patch) => apiFetch<StorePolicy>("/api/v1/settings/policy", { method: "PATCH", json: patch }),
    (current, patch) => ({ ...(current as object), ...patch }) as typeof current,
    // Who gets the bell for a plugin request depends on the policy.
    [queryKeys.notifications.all],
  );

export const useApiTokens = () => useQuery({ queryKey: queryKeys.tokens.all, queryFn: () => apiFetch<ApiTokenJson[]>("/api/v1/tokens") });

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; expiresInDays?: number }) => apiFetch<{ id: string; name: string; token: string }>("/api/v1/tokens", { method: "POST", json: body }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.tokens.all }),
  });
}

export const useRevokeApiToken = () =>
  useOptimistic<string, void>(
    queryKeys.tokens.all,
    (id) => apiFetch<void>(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    (current, id) => (current as ApiTokenJson[]).filter((t) => t.id !== id) as typeof current,
  );

/** The store's webhooks (operators), or with `slug` an organization's own (its admins). */
const webhooksPath = (slug?: string) => (slug ? `/api/v1/orgs/${encodeURIComponent(slug)}/webhooks` : "/api/v1/webhooks");

export const useWebhooks = (enabled: boolean, slug?: string) => useQuery({ queryKey: queryKeys.webhooks.list(slug), queryFn: () => apiFetch<WebhookJson[]>(webhooksPath(slug)), enabled });

export function useCreateWebhook(slug?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; description?: string; events: string[] }) => apiFetch<{ webhook: WebhookJson; secret: string }>(webhooksPath(slug), { method: "POST", json: body }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks.list(slug) }),
  });
}

export const useDeleteWebhook = (slug?: string) =>
  useOptimistic<string, void>(
    queryKeys.webhooks.list(slug),
    (id) => apiFetch<void>(`${webhooksPath(slug)}/${encodeURIComponent(id)}`, { method: "DELETE" }),
    (current, id) => (current as WebhookJson[]).filter((w) => w.id !== id) as typeof current,
  );

export const useWebhookDeliveries = (id: string | undefined, slug?: string) =>
  useQuery({ queryKey: queryKeys.webhooks.deliveries(id ?? ""), queryFn: () => apiFetch<WebhookDelivery[]>(`${webhooksPath(slug)}/${id}/deliveries`), enabled: Boolean(id), refetchInterval: 10_000 });

// Store targets (operators): enable, rotate keys. Every write refetches the targets and the public trust list.
export type StoreKeyJson = { keyId: string; fingerprint: string; algorithm: string; status: "next" | "active" | "retired"; createdAt: string; activatedAt: string | null; retiredAt: string | null; url: string };
export type GrafanaTargetSettings = { upstreamUrl?: string; grafanaKeys: { keyId: string; public: string; since?: number }[]; signatureType: "private" | "private-glob" | "community" };
export type DifyTargetSettings = { authorizedCategory: "community" | "partner" };
export type TargetUpdateBody = { enabled: boolean; grafana?: GrafanaTargetSettings; dify?: DifyTargetSettings };
export type StoreTargetJson = { target: string; enabled: boolean; supported: boolean; keys: StoreKeyJson[]; grafana?: GrafanaTargetSettings; dify?: DifyTargetSettings };

export const useStoreTargets = () => useQuery({ queryKey: queryKeys.targets.all, queryFn: () => apiFetch<StoreTargetJson[]>("/api/v1/settings/targets") });

export function useTargetAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: { kind: "update"; target: string; body: TargetUpdateBody } | { kind: "create-key"; target: string; algorithm?: string } | { kind: "activate" | "retire"; target: string; keyId: string }) => {
      const base = `/api/v1/settings/targets/${encodeURIComponent(action.target)}`;
      if (action.kind === "update") return apiFetch<unknown>(base, { method: "PUT", json: action.body });
      if (action.kind === "create-key") return apiFetch<unknown>(`${base}/keys`, { method: "POST", json: action.algorithm ? { algorithm: action.algorithm } : {} });
      return apiFetch<unknown>(`${base}/keys/${encodeURIComponent(action.keyId)}/${action.kind}`, { method: "POST" });
    },
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.targets.all }), client.invalidateQueries({ queryKey: queryKeys.trust.all })]),
  });
}

export type TrustDocument = { targets: { target: string; keys: { keyId: string; status: string }[] }[] };
export const useTrust = () => useQuery({ queryKey: queryKeys.trust.all, queryFn: () => apiFetch<TrustDocument>("/api/v1/trust") });
