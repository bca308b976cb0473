// What this process holds in memory follows changes made by any worker of any instance, as they
// commit (lib/server/db/notify.ts): a revocation drops the certificate's pre-signed OCSP answers, a
// CA change the issuer index, a responder change the responder in use. After the listening
// connection was lost and regained, all of it is re-read, since changes may have been missed.
import { forgetCaCertificate } from "../cas/list-cas";
import { listenForChanges, onChange } from "../db/notify";
import { forgetCaInMemory, forgetInMemory, syncRevocationsIntoOcspCache } from "./ocsp-cache";
import { forgetOcspIssuers } from "./ocsp-issuers";
import { forgetResponder } from "./ocsp-responder";

export async function followChanges(): Promise<void> {
  onChange((change) => {
    switch (change.kind) {
      case "revocation":
        forgetInMemory(change.caId, change.serialHex);
        break;
      case "ca-revocations":
        forgetCaInMemory(change.caId);
        break;
      case "ca":
        forgetCaCertificate(change.caId);
        forgetOcspIssuers();
        forgetResponder(change.caId);
        break;
      case "responder":
        forgetResponder(change.caId);
        break;
      case "resync":
        forgetCaCertificate();
        forgetOcspIssuers();
        void syncRevocationsIntoOcspCache().catch((err) => console.error("[signet] resynchronizing revocations failed:", err instanceof Error ? err.message : err));
        break;
    }
  });
  await listenForChanges();
}
