"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { AuditChainReport } from "@/lib/server/audit/verify-audit-chain";
import type { Checkpoint } from "@/lib/pki/audit/checkpoint";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";

export type AuditEventItem = { seq: string; at: string; actor: string; action: string; subjectType: string; subjectId: string | null; orgId: string | null; outcome: string; details: Record<string, unknown>; hash: string; subject: { label: string; href: string | null } | null; org: { slug: string; name: string } | null };
export type AuditPage = { events: AuditEventItem[]; nextBefore: string | null };
export type { AuditChainReport, Checkpoint };
export type CheckpointKey = { keyId: string; algorithm: "Ed25519"; publicKeyPem: string };

/** The signed checkpoint of the current head (the server signs a fresh one when the head has moved). */
export const useAuditCheckpoint = () =>
  useQuery({
    queryKey: queryKeys.audit.checkpoint,
    queryFn: async () => ({ checkpoint: await apiFetch<Checkpoint>("/audit/checkpoint"), key: await apiFetch<CheckpointKey>("/audit/checkpoint/key") }),
  });

export const useAuditEvents = (filter: Record<string, string>) =>
  useQuery({
    queryKey: queryKeys.audit.list(filter),
    queryFn: () => apiFetch<AuditPage>(`/api/v1/audit?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v))}`),
    // Keep the current page on screen while the next one loads, so paging does not flash empty.
    placeholderData: keepPreviousData,
  });

/** A button-triggered check (it walks the whole chain), so a mutation rather than a cached query. */
export const useVerifyAuditChain = () => useMutation({ mutationKey: queryKeys.audit.verify, mutationFn: () => apiFetch<AuditChainReport>("/api/v1/audit/verify") });
