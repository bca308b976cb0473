"use client";

// Members, invitations and the mail outbox, over the JSON API (keys from query-keys.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";

export type MemberItem = { userId: string; name: string; email: string; role: "admin" | "member"; joinedAt: string };
export type InvitationItem = { id: string; email: string; role: string; expiresAt: string; createdAt: string; expired: boolean };
/** orgName and orgSlug are null for an operator invitation. */
export type InvitationView = { orgName: string | null; orgSlug: string | null; email: string; role: string; expiresAt: string; accountExists: boolean };
export type OperatorItem = { id: string; email: string; name: string; disabled: boolean; createdAt: string };
export type OperatorInvitationItem = { id: string; email: string; expiresAt: string; createdAt: string; expired: boolean };
export type OutboxItem = { id: string; kind: string; from: string; to: string; subject: string; text: string; html: string; createdAt: string };

const orgPath = (slug: string) => `/api/v1/orgs/${encodeURIComponent(slug)}`;

export const useMembers = (slug: string) => useQuery({ queryKey: queryKeys.members.list(slug), queryFn: () => apiFetch<MemberItem[]>(`${orgPath(slug)}/members`) });

export const useInvitations = (slug: string) => useQuery({ queryKey: queryKeys.members.invitations(slug), queryFn: () => apiFetch<InvitationItem[]>(`${orgPath(slug)}/invitations`) });

function useInvalidateMembers(slug: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["members", slug] });
}

export function useInvite(slug: string) {
  const invalidate = useInvalidateMembers(slug);
  return useMutation({
    mutationFn: (body: { email: string; role: "admin" | "member" }) => apiFetch<{ id: string; email: string; expiresAt: string }>(`${orgPath(slug)}/invitations`, { method: "POST", json: body }),
    onSuccess: invalidate,
  });
}

export function useCancelInvitation(slug: string) {
  const invalidate = useInvalidateMembers(slug);
  return useMutation({ mutationFn: (id: string) => apiFetch(`${orgPath(slug)}/invitations/${encodeURIComponent(id)}`, { method: "DELETE" }), onSuccess: invalidate });
}

export function useChangeRole(slug: string) {
  const invalidate = useInvalidateMembers(slug);
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: "admin" | "member" }) => apiFetch<MemberItem>(`${orgPath(slug)}/members/${encodeURIComponent(userId)}`, { method: "PATCH", json: { role } }),
    onSuccess: invalidate,
  });
}

export function useRemoveMember(slug: string) {
  const invalidate = useInvalidateMembers(slug);
  return useMutation({ mutationFn: (userId: string) => apiFetch(`${orgPath(slug)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" }), onSuccess: invalidate });
}

export const useInvitation = (token: string) =>
  useQuery({ queryKey: queryKeys.invitation(token), queryFn: () => apiFetch<InvitationView>(`/api/v1/invitations/${encodeURIComponent(token)}`), retry: false });

export function useAcceptInvitation(token: string) {
  return useMutation({
    mutationFn: (body: { name?: string; password?: string }) =>
      apiFetch<{ membership?: { orgSlug: string; role: string }; operator?: true; user: { email: string; newAccount: boolean } }>(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, { method: "POST", json: body }),
  });
}

export function useVerifyContact(token: string) {
  return useMutation({ mutationFn: () => apiFetch<{ org: { slug: string; contactEmail: string } }>(`/api/v1/contact-verifications/${encodeURIComponent(token)}`, { method: "POST", json: {} }) });
}

export const useOutbox = (to?: string) =>
  useQuery({ queryKey: [...queryKeys.outbox.all, to ?? ""], queryFn: () => apiFetch<OutboxItem[]>(`/api/v1/outbox?limit=50${to ? `&to=${encodeURIComponent(to)}` : ""}`) });

/** A new contact-verification link (the first expired, or was lost); the outbox shows it at once. */
export function useResendContactVerification(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ sent: true; expiresInHours: number }>(`/api/v1/orgs/${encodeURIComponent(slug)}/contact-verification`, { method: "POST", json: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.outbox.all }),
  });
}

export const useOperators = () => useQuery({ queryKey: queryKeys.operators.list, queryFn: () => apiFetch<OperatorItem[]>("/api/v1/operators") });
export const useOperatorInvitations = () => useQuery({ queryKey: queryKeys.operators.invitations, queryFn: () => apiFetch<OperatorInvitationItem[]>("/api/v1/operators/invitations") });

export function useInviteOperator() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string }) => apiFetch<{ id: string; email: string; expiresAt: string }>("/api/v1/operators/invitations", { method: "POST", json: body }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.operators.all }),
  });
}

export function useDisableUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => apiFetch<{ id: string; disabled: boolean }>(`/api/v1/users/${encodeURIComponent(id)}/disable`, { method: "POST", json: { reason } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.operators.all }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: (body: { email: string }) => apiFetch<{ status: string; message: string }>("/api/v1/password-resets", { method: "POST", json: body }) });
}

export function useResetPassword(token: string) {
  return useMutation({ mutationFn: (body: { password: string }) => apiFetch<{ reset: boolean; email: string }>(`/api/v1/password-resets/${encodeURIComponent(token)}`, { method: "POST", json: body }) });
}
