"use client";

import { useReapply } from "@/lib/client/lifecycle-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

/** A rejected organization asks again under the same name (the name and prefix must still be free). */
export function ReapplyButton({ slug }: { slug: string }) {
  const reapply = useReapply(slug);
  return (
    <div className="space-y-2">
      {reapply.error ? <Alert>{reapply.error.message}</Alert> : null}
      {reapply.isSuccess ? <Alert tone="success">Application sent again: a store operator will review it.</Alert> : null}
      <Button disabled={reapply.isPending || reapply.isSuccess} onClick={() => reapply.mutate()}>{reapply.isPending ? "Sending…" : "Re-apply"}</Button>
    </div>
  );
}
