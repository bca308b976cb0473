"use client";

// A list's filters and page cursor kept in the page's URL, so a filtered view can be shared and the
// browser's Back button returns to the previous filter or page. Lists embedded in another page
// (an organization's certificates) keep the same state in memory instead.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";

export type ListState = Record<string, string>;
const NONE: ListState = {};

export function useListState(keys: readonly string[], { syncUrl, defaults = NONE }: { syncUrl: boolean; defaults?: ListState }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [local, setLocal] = useState<ListState>({});
  const fromUrl = useMemo(() => Object.fromEntries(keys.flatMap((k) => (search.get(k) ? [[k, search.get(k) as string]] : []))), [keys, search]);
  const current = syncUrl ? fromUrl : local;
  const state = useMemo(() => ({ ...defaults, ...current }), [defaults, current]);

  /** Changes some values; any change but the cursor's starts again at the first page. */
  const update = useCallback(
    (change: ListState, { replace = false }: { replace?: boolean } = {}) => {
      const next: ListState = { ...current, ...change };
      if (!("cursor" in change)) delete next.cursor;
      const clean = Object.fromEntries(Object.entries(next).filter(([k, v]) => v && v !== defaults[k]));
      if (!syncUrl) return setLocal(clean);
      const qs = new URLSearchParams(clean).toString();
      const url = qs ? `${pathname}?${qs}` : pathname;
      if (replace) router.replace(url, { scroll: false });
      else router.push(url, { scroll: false });
    },
    [current, defaults, pathname, router, syncUrl],
  );
  return [state, update] as const;
}
