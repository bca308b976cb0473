import { apiRoute } from "@/lib/server/http/route";
import { getCertificate } from "@/lib/server/certificates/get-certificate";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ serial: string }>(async ({ req, principal, params }) => {
  const cert = await getCertificate(principal, params.serial);
  const format = new URL(req.url).searchParams.get("format");
  if (format === "pem" || format === "chain") {
    const body = format === "pem" ? cert.pem : cert.chainPem;
    return new Response(body, { headers: { "content-type": "application/x-pem-file", "content-disposition": `attachment; filename="${cert.serial}${format === "chain" ? "-chain" : ""}.pem"` } });
  }
  if (format === "der") {
    const der = Buffer.from(cert.pem!.replace(/-----[^-]+-----|\s/g, ""), "base64");
    return new Response(der, { headers: { "content-type": "application/pkix-cert", "content-disposition": `attachment; filename="${cert.serial}.crt"` } });
  }
  return cert;
});
