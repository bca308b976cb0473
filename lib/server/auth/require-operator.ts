import { AppError } from "../errors";
import type { Principal, UserPrincipal } from "./principal";

/** For store-wide administration: a signed-in operator, or 401/403 saying what was refused. */
export function requireOperatorFor(actor: Principal, what: string): UserPrincipal {
  if (actor.kind !== "user") throw new AppError("unauthenticated", "Sign in or send an API token");
  if (!actor.isOperator) throw new AppError("forbidden", `Only store operators ${what}`);
  return actor;
}
