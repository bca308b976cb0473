import { AppError } from "../errors";
import { requireUser, type Principal, type UserPrincipal } from "./principal";

/** For store-wide administration: a signed-in operator, or 401/403 saying what was refused. */
export function requireOperatorFor(actor: Principal, what: string): UserPrincipal {
  const user = requireUser(actor);
  if (!user.isOperator) throw new AppError("forbidden", `Only store operators ${what}`);
  return user;
}
