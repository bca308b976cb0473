// Keeps every CA's CRL fresh well before nextUpdate, on whichever instances run it.
import { db } from "../../db";
import { registerJob } from "../startup/background-jobs";
import { CRL_REFRESH_AFTER_MS, publishCrl } from "./publish-crl";

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
}
