"use client";

import { Button } from "./button";

/**
 * Cursor paging: the server says whether a next page exists; going back is the browser's Back
 * button (each page is its own URL) or "First page".
 */
export function Pager({ label, atStart, next, onFirst, onNext }: { label: string; atStart: boolean; next: string | null | undefined; onFirst: () => void; onNext: (cursor: string) => void }) {
  if (atStart && !next) return null;
  return (
    <nav aria-label={label} className="mt-4 flex items-center justify-between gap-2">
      <Button variant="secondary" disabled={atStart} onClick={onFirst}>← First page</Button>
      <Button variant="secondary" disabled={!next} onClick={() => next && onNext(next)}>Next page →</Button>
    </nav>
  );
}
