import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { registerCertificate, registerCertificateInput } from "@/lib/server/certificates/register-certificate";

export const dynamic = "force-dynamic";

/** An external-key organization registers a plugin certificate it issued with `signet issue`. */
export const POST = apiRoute<{ slug: string }>(async ({ req, principal, params }) => {
  const input = await parseJsonBody(req, registerCertificateInput);
  return Response.json(await registerCertificate(principal, params.slug, input), { status: 201 });
});
