// Keeps revocation data fresh: every CA's CRL well before nextUpdate and the shared table of
// pre-signed OCSP answers free of expired ones (one instance at a time), and each process's OCSP
// cache in step with revocations made by any instance (every process).
import { db } from "../../db";
import { env } from "../../env";
import { registerJob } from "../startup/background-jobs";
import { pruneRateWindows } from "../http/rate-limit";
import { syncRevocationsIntoOcspCache } from "./ocsp-cache";
import { pruneExpiredOcsp } from "./ocsp-status";
import { CRL_REFRESH_AFTER_MS, publishCrl } from "./publish-crl";
import { publishPendingCrls } from "./publish-pending-crls";

export function registerRevocationWork(): void {
  registerJob({
    name: "crl-refresh",
    everyMs: 5 * 60_000,
    run: async () => {
      const client = await db();
      const cas = await client.certificateAuthority.findMany({ where: { keyId: { not: null }, status: "active" }, select: { id: true } });
      const now = Date.now();
      for (const ca of cas) {
        const latest = await client.crl.findFirst({ where: { caId: ca.id }, orderBy: { crlNumber: "desc" }, select: { thisUpdate: true } });
        if (!latest || now - latest.thisUpdate.getTime() >= CRL_REFRESH_AFTER_MS) await publishCrl(ca.id);
      }
    },
  });
  // Bounds how long a committed revocation can be missing from the served CRL, whatever crashed.
  registerJob({
    name: "crl-catch-up",
    everyMs: env().crlCatchUpMs,
    run: async () => {
      const published = await publishPendingCrls();
      if (published.length > 0) console.log(`[signet] published CRLs for revocations no CRL listed yet (CAs ${published.join(", ")})`);
    },
  });
  // Bounds how long another instance may serve a pre-signed "good" after a revocation.
  registerJob({
    name: "ocsp-revocation-sync",
    everyMs: 10_000,
    // This process's cache: every worker keeps its own in step (NOTIFY is the fast path, this the backstop).
    scope: "instance",
    run: async () => {
      await syncRevocationsIntoOcspCache();
    },
  });
  // Shared rate-limit counters of past windows (lib/server/http/rate-limit.ts).
  registerJob({
    name: "rate-window-prune",
    everyMs: 60 * 60_000,
    run: async () => void (await pruneRateWindows()),
  });
  registerJob({
    name: "ocsp-prune",
    everyMs: 60 * 60_000,
    run: async () => {
      await pruneExpiredOcsp(new Date());
    },
  });
}
