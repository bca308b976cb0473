import { z } from "zod";
import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { initializeInput, initializeSignet } from "@/lib/server/setup/initialize-signet";
import { checkSetupToken } from "@/lib/server/setup/setup-token";

export const dynamic = "force-dynamic";

const body = initializeInput.extend({ setupToken: z.string().min(1).max(200) });

export const POST = apiRoute(async ({ req }) => {
  const input = await parseJsonBody(req, body);
  await checkSetupToken(input.setupToken);
  const result = await initializeSignet(input);
  return new Response(JSON.stringify({ rootCaId: result.rootCaId, operatorToken: result.operatorToken }), {
    status: 201,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
});
