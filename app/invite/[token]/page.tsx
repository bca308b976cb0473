import { headers } from "next/headers";
import { connection } from "next/server";
import { InvitationAccept } from "@/components/teams/invitation-accept";
import { resolvePrincipal } from "@/lib/server/auth/resolve-principal";
import { nullUnlessUnavailable } from "@/lib/server/db/unavailable";

export const metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const principal = await resolvePrincipal(await headers()).catch(nullUnlessUnavailable);
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <p className="mb-4 text-center text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
      <InvitationAccept token={token} signedInAs={principal?.kind === "user" ? principal.email : null} />
    </main>
  );
}
