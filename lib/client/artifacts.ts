"use client";

// Artifacts in the console: the JSON shapes (mirrors of lib/server/artifacts), the TanStack Query
// hooks keyed by queryKeys.artifacts, and uploads through XMLHttpRequest — fetch() cannot report
// upload progress, XHR's upload.onprogress can.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch, apiFetchPage } from "./api";
import { queryKeys } from "./query-keys";

export type ArtifactItem = {
  id: string;
  orgSlug: string;
  pluginId: string;
  version: string;
  sha256: string;
  size: number;
  fileCount: number;
  files?: { path: string; size: number }[];
  certificateSerial: string;
  /** the signing certificate (or its organization CA) is revoked: verifiers reject the archive. */
  certificateRevoked: boolean;
  createdAt: string;
  revocation: { reason: string | null; revokedAt: string } | null;
  downloadUrl: string;
  signatureUrl: string;
  /** The store format (jami, mattermost, grafana, dify, mender). */
  target?: string;
  /** Mattermost's detached .sig. */
  storeSignatureUrl?: string;
};

/** What a download of a `target` artifact is called in the console. */
export const ARTIFACT_LABEL: Record<string, string> = { jami: ".jpl", mattermost: ".tar.gz", grafana: ".zip", dify: ".difypkg", mender: ".mender" };
/** The store a `target` artifact is for, as the console names it. */
export const STORE_NAME: Record<string, string> = { jami: "Jami", mattermost: "Mattermost", grafana: "Grafana", dify: "Dify", mender: "Mender" };

// The verification report is plain JSON already (strings, no Dates): the client shares its type.
export type { FileState } from "@/lib/pki/jpl/check-signatures";
import type { VerificationReport as JplReport } from "@/lib/pki/jpl/verify-plugin-archive";
/** A .jpl report, or a Mattermost/Grafana one (which adds `target` and the store signature's verdict). */
export type VerificationReport = JplReport & { target?: string; store?: { valid: boolean; keyIds: string[]; detail?: string } };

export const useArtifacts = (slug: string, filter: Record<string, string> = {}) =>
  useQuery({
    queryKey: queryKeys.artifacts.list({ ...filter, org: slug }),
    queryFn: () => apiFetchPage<ArtifactItem>(`/api/v1/orgs/${encodeURIComponent(slug)}/artifacts?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v))}`),
    placeholderData: keepPreviousData,
  });

export function useRevokeArtifact() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => apiFetch<ArtifactItem>(`/api/v1/artifacts/${id}/revoke`, { method: "POST", json: { reason } }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.artifacts.all }),
  });
}

export type UploadProgress = { loaded: number; total: number };

/**
 * POSTs a file (as the raw application/zip body) or a form, reporting upload progress;
 * problem+json errors become ApiError.
 */
export function uploadWithProgress<T>(url: string, body: Blob | FormData, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    // A FormData body gets its multipart boundary from the browser.
    if (!(body instanceof FormData)) xhr.setRequestHeader("content-type", "application/zip");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : body instanceof Blob ? body.size : e.loaded });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, (body as { detail?: string } | undefined)?.detail ?? `Upload failed (${xhr.status})`, body));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload was interrupted (network error)"));
    xhr.onabort = () => reject(new ApiError(0, "The upload was cancelled"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(body);
  });
}

export function useUploadArtifact(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ pluginId, file, onProgress, target = "jami" }: { pluginId: string; file: File; onProgress: (p: UploadProgress) => void; target?: string }) =>
      uploadWithProgress<ArtifactItem>(`/api/v1/orgs/${encodeURIComponent(slug)}/plugins/${encodeURIComponent(pluginId)}/artifacts?target=${encodeURIComponent(target)}`, file, onProgress),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.artifacts.all }),
  });
}
