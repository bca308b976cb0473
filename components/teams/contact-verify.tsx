"use client";

// The page a contact-verification link opens. Confirming is a button (a POST), so a mail scanner
// that prefetches the link verifies nothing.
import { useVerifyContact } from "@/lib/client/team-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

export function ContactVerify({ token }: { token: string }) {
  const verify = useVerifyContact(token);
  return (
    <Card title="Confirm the contact address" description="The store's operators approve an organization only once its contact address is confirmed.">
      {verify.data ? (
        <Alert tone="success">{verify.data.org.contactEmail} is confirmed. The operators can now review the organization.</Alert>
      ) : (
        <div className="space-y-3">
          {verify.error ? <Alert>{verify.error.message}</Alert> : null}
          <Button onClick={() => verify.mutate()} disabled={verify.isPending}>{verify.isPending ? "Confirming…" : "Confirm this address"}</Button>
        </div>
      )}
    </Card>
  );
}
