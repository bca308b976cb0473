"use client";

// Hooks for an external-key organization's CA: registering certificates it issued offline,
// uploading the CRLs it signs, and certifying Signet's OCSP responder key.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";
import type { CertificateItem } from "./types";

export type UploadedCrlState = { caId: string; crlUrl: string; latest: { crlNumber: string; thisUpdate: string; nextUpdate: string; entries: number } | null };
export type ResponderState = { caId: string; pending: boolean; installed: { serial: string; notBefore: string; notAfter: string; active: boolean } | null };

export const useUploadedCrl = (caId: string) => useQuery({ queryKey: queryKeys.cas.crl(caId), queryFn: () => apiFetch<UploadedCrlState>(`/api/v1/cas/${caId}/crl`) });

export const useResponderState = (caId: string) => useQuery({ queryKey: queryKeys.cas.responder(caId), queryFn: () => apiFetch<ResponderState>(`/api/v1/cas/${caId}/ocsp-responder`) });

export function useRegisterCertificate(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (pem: string) => apiFetch<CertificateItem>(`/api/v1/orgs/${encodeURIComponent(slug)}/certificates`, { method: "POST", json: { pem } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.certificates.all }),
  });
}

export function useUploadCrl(caId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      apiFetch<{ crlNumber: string; entries: number; newlyRevoked: string[] }>(`/api/v1/cas/${caId}/crl`, { method: "POST", body: new Uint8Array(await file.arrayBuffer()), headers: { "content-type": "application/pkix-crl" } }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.cas.crl(caId) }), client.invalidateQueries({ queryKey: queryKeys.certificates.all })]),
  });
}

export function useResponderCsr(caId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ csrPem: string; command: string }>(`/api/v1/cas/${caId}/ocsp-responder`, { method: "POST" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.cas.responder(caId) }),
  });
}

export function useInstallResponder(caId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (pem: string) => apiFetch<ResponderState>(`/api/v1/cas/${caId}/ocsp-responder`, { method: "PUT", json: { pem } }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.cas.responder(caId) }), client.invalidateQueries({ queryKey: queryKeys.certificates.all })]),
  });
}
