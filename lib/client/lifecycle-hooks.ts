"use client";

// Hooks for the certificate lifecycle: renewal, withdrawing a request, re-applying, suspending an
// organization (impact first), and one plugin id's page.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";
import type { CertificateItem, RequestItem } from "./types";
import type { ArtifactItem } from "./artifacts";

function useInvalidateAll() {
  const client = useQueryClient();
  return () =>
    Promise.all([queryKeys.requests.all, queryKeys.certificates.all, queryKeys.orgs.all, queryKeys.cas.all, queryKeys.artifacts.all, queryKeys.plugins.all].map((queryKey) => client.invalidateQueries({ queryKey })));
}

export type RenewResult = { renews: string; request: RequestItem; certificate?: { serial: string }; pending?: true; approvals?: { have: number; need: number } };

export function useRenewCertificate() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ serial, rekey, csrPem }: { serial: string; rekey?: boolean; csrPem?: string }) =>
      apiFetch<RenewResult>(`/api/v1/certificates/${serial}/renew`, { method: "POST", json: { ...(rekey ? { rekey } : {}), ...(csrPem ? { csrPem } : {}) } }),
    onSuccess: invalidate,
  });
}

export function useWithdrawRequest() {
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: (id: string) => apiFetch<{ request: RequestItem }>(`/api/v1/requests/${id}/withdraw`, { method: "POST" }), onSuccess: invalidate });
}

export function useReapply(slug: string) {
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: () => apiFetch<{ request: RequestItem }>(`/api/v1/orgs/${encodeURIComponent(slug)}/reapply`, { method: "POST", json: {} }), onSuccess: invalidate });
}

export type SuspensionImpact = { caCertificates: number; pluginCertificates: number; pluginCertificatesBelowExternalCa: number; artifacts: number; tokens: number; pendingRequests: number };

export const useSuspensionImpact = (slug: string, enabled: boolean) =>
  useQuery({
    queryKey: queryKeys.orgs.suspensionImpact(slug),
    queryFn: async () => {
      const { status: _status, ...impact } = await apiFetch<SuspensionImpact & { status: string }>(`/api/v1/orgs/${encodeURIComponent(slug)}/suspension-impact`);
      return impact as SuspensionImpact;
    },
    enabled,
  });

export function useSuspendOrg(slug: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (body: { reason: string; impact: SuspensionImpact }) => apiFetch<{ revoked: SuspensionImpact }>(`/api/v1/orgs/${encodeURIComponent(slug)}/suspend`, { method: "POST", json: body }),
    onSuccess: invalidate,
  });
}

export type PluginCertificate = Omit<CertificateItem, "pem" | "chainPem"> & { renews: string | null; downloadUrl: string; chainUrl: string; keyMode: string };
export type PluginDetail = {
  orgSlug: string;
  orgName: string;
  orgStatus: string;
  pluginId: string;
  certificates: PluginCertificate[];
  versions: { version: string; artifacts: number; active: number; firstSignedAt: string; lastSignedAt: string }[];
  artifacts: ArtifactItem[];
  requests: RequestItem[];
};

export const usePlugin = (slug: string, pluginId: string) =>
  useQuery({ queryKey: queryKeys.plugins.detail(slug, pluginId), queryFn: () => apiFetch<PluginDetail>(`/api/v1/orgs/${encodeURIComponent(slug)}/plugins/${encodeURIComponent(pluginId)}`) });

export const usePlugins = (slug: string) =>
  useQuery({ queryKey: queryKeys.plugins.list(slug), queryFn: () => apiFetch<{ pluginId: string; certificates: number; artifacts: number; latestNotAfter: string | null }[]>(`/api/v1/orgs/${encodeURIComponent(slug)}/plugins`) });
