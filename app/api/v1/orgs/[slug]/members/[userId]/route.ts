import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { changeMemberRole, changeRoleInput, removeMember } from "@/lib/server/members/change-member";

export const dynamic = "force-dynamic";

type Params = { slug: string; userId: string };

export const PATCH = apiRoute<Params>(async ({ req, principal, params }) => changeMemberRole(principal, params.slug, params.userId, await parseJsonBody(req, changeRoleInput)));

export const DELETE = apiRoute<Params>(async ({ principal, params }) => removeMember(principal, params.slug, params.userId));
