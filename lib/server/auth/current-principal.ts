import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { UserPrincipal } from "./principal";
import { resolvePrincipal } from "./resolve-principal";

/** For server components of the signed-in console: the user, or a redirect to sign-in. */
export async function requireConsoleUser(path = "/dashboard"): Promise<UserPrincipal> {
  const principal = await resolvePrincipal(await headers()).catch(() => null);
  if (principal?.kind !== "user") redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return principal;
}
