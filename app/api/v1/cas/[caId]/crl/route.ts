import { AppError } from "@/lib/server/errors";
import { apiRoute, readCappedBody } from "@/lib/server/http/route";
import { MAX_UPLOADED_CRL_BYTES, uploadCrl, uploadedCrlState } from "@/lib/server/revocation/upload-crl";

export const dynamic = "force-dynamic";

const CRL_TYPES = /^application\/(pkix-crl|octet-stream)\b/i;

/** An external-key CA's newest uploaded CRL (number, times, entries). */
export const GET = apiRoute<{ caId: string }>(async ({ principal, params }) => uploadedCrlState(principal, params.caId));

/** Body: the DER CRL the organization signed with its CA key. */
export const POST = apiRoute<{ caId: string }>(async ({ req, principal, params }) => {
  if (!CRL_TYPES.test(req.headers.get("content-type") ?? "")) throw new AppError("unsupported_media_type", "Send the CRL as DER with Content-Type application/pkix-crl");
  const der = await readCappedBody(req, MAX_UPLOADED_CRL_BYTES);
  if (der.subarray(0, 10).toString("latin1") === "-----BEGIN") throw new AppError("bad_request", "CRL refused: this is PEM; send DER (openssl crl -in crl.pem -outform DER)");
  return Response.json(await uploadCrl(principal, params.caId, new Uint8Array(der)), { status: 201 });
});
