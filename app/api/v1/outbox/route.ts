import { z } from "zod";
import { apiRoute } from "@/lib/server/http/route";
import { badRequest } from "@/lib/server/errors";
import { readOutbox } from "@/lib/server/mail/read-outbox";

export const dynamic = "force-dynamic";

const outboxQuery = z.object({ to: z.string().max(254).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

export const GET = apiRoute(async ({ req, principal }) => {
  const parsed = outboxQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw badRequest(`Bad query: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return readOutbox(principal, parsed.data);
});
