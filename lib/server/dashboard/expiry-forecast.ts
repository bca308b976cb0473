// How many certificates run out over the next 90 days, in 10-day steps (the first three steps are
// the 30-day window the bell warns about), plus the soonest ones to act on.
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../../db";
import { daysLeft } from "../notifications/expiring-certificates";

export const FORECAST_DAYS = 90;
export const BUCKET_DAYS = 10;
const DAY_MS = 86_400_000;

export type ExpiryForecast = {
  from: string;
  within30: number;
  within90: number;
  buckets: { fromDay: number; toDay: number; count: number }[];
  soonest: { serial: string; subject: string; kind: string; pluginId: string | null; orgSlug: string | null; notAfter: string; daysLeft: number }[];
};

export async function getExpiryForecast(client: Db, scope: Prisma.CertificateWhereInput, now: Date): Promise<ExpiryForecast> {
  const rows = await client.certificate.findMany({
    // Delegated OCSP responder certificates live a week and renew themselves; they would drown the chart.
    where: { AND: [...(Object.keys(scope).length ? [scope] : []), { status: "issued", kind: { not: "ocsp_responder" }, notAfter: { gt: now, lte: new Date(now.getTime() + FORECAST_DAYS * DAY_MS) } }] },
    orderBy: { notAfter: "asc" },
    select: { serialHex: true, subject: true, kind: true, pluginId: true, notAfter: true, org: { select: { slug: true } } },
  });
  const buckets = Array.from({ length: FORECAST_DAYS / BUCKET_DAYS }, (_, i) => ({ fromDay: i * BUCKET_DAYS, toDay: (i + 1) * BUCKET_DAYS, count: 0 }));
  for (const r of rows) {
    const index = Math.min(buckets.length - 1, Math.floor((r.notAfter.getTime() - now.getTime()) / (BUCKET_DAYS * DAY_MS)));
    buckets[index].count += 1;
  }
  return {
    from: now.toISOString(),
    within30: rows.filter((r) => r.notAfter.getTime() <= now.getTime() + 30 * DAY_MS).length,
    within90: rows.length,
    buckets,
    soonest: rows.slice(0, 5).map((r) => ({
      serial: r.serialHex,
      subject: r.subject,
      kind: r.kind.replace("_", "-"),
      pluginId: r.pluginId,
      orgSlug: r.org?.slug ?? null,
      notAfter: r.notAfter.toISOString(),
      daysLeft: daysLeft(r.notAfter, now),
    })),
  };
}
