import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { nullUnlessUnavailable } from "../db/unavailable";
import type { UserPrincipal } from "./principal";
import { resolvePrincipal } from "./resolve-principal";

/**
 * For server components of the signed-in console: the user, or a redirect to sign-in. A session that
 * cannot be checked because the database is unavailable is not "no session": that throws
 * DatabaseUnavailableError, which the console layout and app/error.tsx show as an outage.
 */
export async function requireConsoleUser(path = "/dashboard"): Promise<UserPrincipal> {
  const principal = await resolvePrincipal(await headers()).catch(nullUnlessUnavailable);
  if (principal?.kind !== "user") redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return principal;
}
