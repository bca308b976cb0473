"use client";

import { useQuery } from "@tanstack/react-query";
import type { NotificationJson } from "@/lib/server/notifications/list-notifications";
import { apiFetch } from "./api";
import { queryKeys } from "./query-keys";

export type { NotificationJson };

/** Polled once a minute; any decision or revocation invalidates it sooner (hooks.ts). */
export const useNotifications = () =>
  useQuery({
    queryKey: queryKeys.notifications.all,
    queryFn: () => apiFetch<{ count: number; items: NotificationJson[] }>("/api/v1/notifications"),
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
  });
