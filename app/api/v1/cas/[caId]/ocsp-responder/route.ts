import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { installResponderCertificate, installResponderInput, requestResponderCsr, responderState } from "@/lib/server/revocation/external-ocsp-responder";

export const dynamic = "force-dynamic";

/** The installed responder of an external-key CA, and whether a key awaits its certificate. */
export const GET = apiRoute<{ caId: string }>(async ({ principal, params }) => responderState(principal, params.caId));

/** → {csrPem} for the responder key Signet holds, for the organization to sign offline. */
export const POST = apiRoute<{ caId: string }>(async ({ principal, params }) => requestResponderCsr(principal, params.caId));

/** {pem}: the responder certificate the organization signed; Signet answers OCSP with it from now on. */
export const PUT = apiRoute<{ caId: string }>(async ({ req, principal, params }) => installResponderCertificate(principal, params.caId, await parseJsonBody(req, installResponderInput)));
