"use client";

// Members, invitations and the mail outbox, over the JSON API (keys from query-keys.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";

export type MemberItem = { userId: string; name: string; email: string; role: "admin" | "member"; joinedAt: string };
export type InvitationItem = { id: string; email: string; role: string; expiresAt: string; createdAt: string; expired: boolean };
export type InvitationView = { orgName: string; orgSlug: string; email: string; role: string; expiresAt: string; accountExists: boolean };
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
      apiFetch<{ membership: { orgSlug: string; role: string }; user: { email: string; newAccount: boolean } }>(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, { method: "POST", json: body }),
  });
}

export function useVerifyContact(token: string) {
  return useMutation({ mutationFn: () => apiFetch<{ org: { slug: string; contactEmail: string } }>(`/api/v1/contact-verifications/${encodeURIComponent(token)}`, { method: "POST", json: {} }) });
}

export const useOutbox = () => useQuery({ queryKey: queryKeys.outbox.all, queryFn: () => apiFetch<OutboxItem[]>("/api/v1/outbox?limit=50") });
