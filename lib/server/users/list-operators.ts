import { db } from "../../db";
import { OPERATOR_ROLE } from "../auth/auth";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";

/** Settings → Operators: every operator account, disabled ones too (they stay in the audit trail). */
export async function listOperators(actor: Principal) {
  requireOperatorFor(actor, "list operators");
  const rows = await (await db()).user.findMany({ where: { role: OPERATOR_ROLE }, orderBy: { createdAt: "asc" }, select: { id: true, email: true, name: true, banned: true, createdAt: true } });
  return rows.map((u) => ({ id: u.id, email: u.email, name: u.name, disabled: u.banned === true, createdAt: u.createdAt.toISOString() }));
}
