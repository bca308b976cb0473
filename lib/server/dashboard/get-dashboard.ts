// The dashboard per role: the operator overview for store operators, the member overview for
// anyone in an organization (a person can be both).
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { requireUser } from "../auth/principal";
import { getMemberOverview } from "./member-overview";
import { getOperatorOverview } from "./operator-overview";

export async function getDashboard(actor: Principal, now = new Date()) {
  const user = requireUser(actor);
  const client = await db();
  const [operator, member] = await Promise.all([
    user.isOperator ? getOperatorOverview(client, now) : null,
    user.memberships.length ? getMemberOverview(client, user, now) : null,
  ]);
  return { email: user.email, operator, member };
}

export type Dashboard = Awaited<ReturnType<typeof getDashboard>>;
