import { removeOwnPasskey } from "@/lib/server/account/second-factors";
import { apiRoute } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ principal, params }) => {
  await removeOwnPasskey(principal, params.id);
  return new Response(null, { status: 204 });
});
