"use client";

// TanStack Query hooks over the JSON API, keyed by the one factory in query-keys.ts.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch, apiFetchPage } from "./api";
import { queryKeys } from "./query-keys";
import type { Approvals, CaItem, CertificateDetail, CertificateItem, OrgItem, PendingRevocation, RequestDetail, RequestItem } from "./types";

const qs = (filter: Record<string, string>) => {
  const entries = Object.entries(filter).filter(([, v]) => v);
  return entries.length ? `?${new URLSearchParams(entries)}` : "";
};

export const useCas = () => useQuery({ queryKey: queryKeys.cas.all, queryFn: () => apiFetch<CaItem[]>("/api/v1/cas") });

export const useOrgs = () => useQuery({ queryKey: queryKeys.orgs.all, queryFn: () => apiFetch<OrgItem[]>("/api/v1/orgs") });

/** One page of organizations, filtered and searched on the server. */
export const useOrgPage = (filter: Record<string, string>) =>
  useQuery({ queryKey: queryKeys.orgs.list(filter), queryFn: () => apiFetchPage<OrgItem>(`/api/v1/orgs${qs(filter)}`), placeholderData: keepPreviousData });

export const useOrg = (slug: string) => useQuery({ queryKey: queryKeys.orgs.detail(slug), queryFn: () => apiFetch<OrgItem>(`/api/v1/orgs/${encodeURIComponent(slug)}`) });

export const useRequests = (filter: Record<string, string>) =>
  useQuery({ queryKey: queryKeys.requests.list(filter), queryFn: () => apiFetchPage<RequestItem>(`/api/v1/requests${qs(filter)}`), placeholderData: keepPreviousData });

export const useRequest = (id: string | undefined) =>
  useQuery({ queryKey: [...queryKeys.requests.all, "detail", id], queryFn: () => apiFetch<RequestDetail>(`/api/v1/requests/${id}`), enabled: Boolean(id) });

export const useCertificates = (filter: Record<string, string>) =>
  useQuery({ queryKey: queryKeys.certificates.list(filter), queryFn: () => apiFetchPage<CertificateItem>(`/api/v1/certificates${qs(filter)}`), placeholderData: keepPreviousData });

export const useCertificate = (serial: string) =>
  useQuery({ queryKey: queryKeys.certificates.detail(serial), queryFn: () => apiFetch<CertificateDetail>(`/api/v1/certificates/${serial}`) });

/** After any decision or revocation, everything that lists requests, certificates, orgs or CAs may change. */
function useInvalidatePki() {
  const client = useQueryClient();
  return () =>
    Promise.all([queryKeys.requests.all, queryKeys.certificates.all, queryKeys.orgs.all, queryKeys.cas.all, queryKeys.notifications.all].map((queryKey) => client.invalidateQueries({ queryKey })));
}

export function useDecideRequest() {
  const invalidate = useInvalidatePki();
  return useMutation({
    mutationFn: ({ id, decision, reason }: { id: string; decision: "approve" | "reject"; reason?: string }) =>
      apiFetch<{ request: RequestItem; certificate?: { serial: string }; approvals?: Approvals }>(`/api/v1/requests/${id}/${decision}`, { method: "POST", json: decision === "reject" ? { reason } : {} }),
    onSuccess: invalidate,
  });
}

export type BulkResult = { id: string; ok: true; status: string; certificateSerial?: string; approvals?: { have: number; need: number } } | { id: string; ok: false; problem: { status: number; title: string; detail: string } };

/** Several requests decided at once; the server answers per request (one refusal does not stop the rest). */
export function useDecideRequests() {
  const invalidate = useInvalidatePki();
  return useMutation({
    mutationFn: ({ ids, decision, reason }: { ids: string[]; decision: "approve" | "reject"; reason?: string }) =>
      apiFetch<{ results: BulkResult[] }>("/api/v1/requests/decisions", { method: "POST", json: { ids, decision, ...(decision === "reject" ? { reason } : {}) } }),
    onSuccess: invalidate,
  });
}

export function useRequestPluginCert(slug: string) {
  const invalidate = useInvalidatePki();
  return useMutation({
    mutationFn: (body: { pluginId: string; csrPem?: string; keyAlgorithm?: string }) =>
      apiFetch<{ request: RequestItem }>(`/api/v1/orgs/${encodeURIComponent(slug)}/plugin-cert-requests`, { method: "POST", json: body }),
    onSuccess: invalidate,
  });
}

export function useRevokeCertificate() {
  const invalidate = useInvalidatePki();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ serial, reason, invalidityDate }: { serial: string; reason: string; invalidityDate?: string }) =>
      apiFetch<CertificateDetail & { affects?: { certificatesBelow: number; artifacts: number } }>(`/api/v1/certificates/${serial}/revoke`, {
        method: "POST",
        json: { reason, ...(invalidityDate ? { invalidityDate } : {}) },
      }),
    // The page shows "revoked" at once; the server's answer (or a refusal) replaces it. Not for an
    // org CA: store policy may want more operators, and the answer may be "recorded, still pending".
    onMutate: async ({ serial, reason, invalidityDate }) => {
      const key = queryKeys.certificates.detail(serial);
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<CertificateDetail>(key);
      if (previous && previous.kind !== "org-ca") client.setQueryData<CertificateDetail>(key, { ...previous, status: "revoked", revocation: { reason, revokedAt: new Date().toISOString(), invalidityDate: invalidityDate ?? null } });
      return { previous };
    },
    onError: (_err, { serial }, context) => {
      if (context?.previous) client.setQueryData(queryKeys.certificates.detail(serial), context.previous);
    },
    onSettled: invalidate,
  });
}

export const useRevocationImpact = (serial: string, enabled: boolean) =>
  useQuery({ queryKey: queryKeys.certificates.impact(serial), queryFn: () => apiFetch<{ certificatesBelow: number; artifacts: number }>(`/api/v1/certificates/${serial}/revocation-impact`), enabled });

/** Org CA revocations waiting for more operators (operators only). */
export const usePendingRevocations = (enabled: boolean) =>
  useQuery({ queryKey: queryKeys.certificates.pendingRevocations, queryFn: () => apiFetch<PendingRevocation[]>("/api/v1/pending-revocations"), enabled });

export function useWithdrawRevocation() {
  const invalidate = useInvalidatePki();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ withdrawn: true; serial: string }>(`/api/v1/pending-revocations/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
