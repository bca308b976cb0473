// Certificates expiring over the next 90 days in 10-day steps, as an SVG bar chart (no chart
// library). Bars inside the 30-day warning window are drawn in the alert colour; a visually hidden
// table carries the same numbers for screen readers.
import Link from "next/link";
import type { ExpiryForecast } from "@/lib/server/dashboard/expiry-forecast";
import { EmptyState } from "../ui/empty-state";

// Bars are drawn in a 0–100 coordinate box stretched to the card's width; text stays HTML so it
// keeps its size from 390 px phones to wide screens.
const BAR_ROOM = 88;

export function ExpiryChart({ forecast }: { forecast: ExpiryForecast }) {
  const { buckets } = forecast;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const ticks = [...new Set([max, Math.round(max / 2), 0])];
  const span = buckets.at(-1)?.toDay ?? 90;
  const slot = 100 / buckets.length;
  const height = (n: number) => (n / max) * BAR_ROOM;
  return (
    <div className="space-y-4" data-testid="expiry-chart">
      <div className="flex flex-wrap gap-x-8 gap-y-2">
        <Link href="/certificates?expiresWithinDays=30" className="group">
          <span className={`block text-3xl font-bold tabular-nums ${forecast.within30 ? "text-red-700 dark:text-red-300" : ""}`} data-testid="expiring-30">{forecast.within30}</span>
          <span className="text-sm text-slate-500 group-hover:underline">expire within 30 days</span>
        </Link>
        <Link href="/certificates?expiresWithinDays=90" className="group">
          <span className="block text-3xl font-bold tabular-nums" data-testid="expiring-90">{forecast.within90}</span>
          <span className="text-sm text-slate-500 group-hover:underline">within 90 days</span>
        </Link>
      </div>
      {forecast.within90 === 0 ? (
        <EmptyState title="Nothing expires in the next 90 days">Renewals will show here as their dates approach.</EmptyState>
      ) : (
        <figure className="flex gap-2 pt-5">
          <div aria-hidden className="relative h-40 w-6 shrink-0 text-right text-[11px] text-slate-500">
            {ticks.map((t) => (
              <span key={t} className="absolute right-0 -translate-y-1/2" style={{ top: `${100 - height(t)}%` }}>{t}</span>
            ))}
          </div>
          <div className="min-w-0 flex-1">
            <div className="relative h-40">
              <svg viewBox="0 0 100 100" preserveAspectRatio="none" className="block h-full w-full overflow-visible" role="img" aria-label={`Certificates expiring per 10 days over the next ${span} days: ${buckets.map((b) => b.count).join(", ")}`}>
                {ticks.map((t) => (
                  <line key={t} x1="0" x2="100" y1={100 - height(t)} y2={100 - height(t)} vectorEffect="non-scaling-stroke" className="stroke-slate-200 dark:stroke-slate-800" />
                ))}
                {buckets.map((b, i) => (
                  <rect key={b.fromDay} x={i * slot + slot * 0.18} width={slot * 0.64} y={100 - height(b.count)} height={height(b.count)} className={b.toDay <= 30 ? "fill-red-500 dark:fill-red-400" : "fill-brand-500 dark:fill-brand-400"}>
                    <title>{`${b.count} expiring in ${b.fromDay}–${b.toDay} days`}</title>
                  </rect>
                ))}
                <line x1={(30 / span) * 100} x2={(30 / span) * 100} y1="0" y2="100" vectorEffect="non-scaling-stroke" strokeDasharray="4 3" className="stroke-red-400" />
              </svg>
              <span aria-hidden className="absolute -top-5 -translate-x-1/2 text-[11px] whitespace-nowrap text-red-700 dark:text-red-300" style={{ left: `${(30 / span) * 100}%` }}>30-day warning</span>
              {buckets.map((b, i) =>
                b.count ? (
                  <span key={b.fromDay} aria-hidden className="absolute -translate-x-1/2 text-[11px] font-semibold text-slate-700 dark:text-slate-200" style={{ left: `${(i + 0.5) * slot}%`, bottom: `calc(${height(b.count)}% + 2px)` }}>
                    {b.count}
                  </span>
                ) : null,
              )}
            </div>
            <div aria-hidden className="relative mt-1 h-4 text-[11px] text-slate-500">
              {[0, ...buckets.map((b) => b.toDay)].map((d, i) => (
                <span key={d} className={`absolute ${i === 0 ? "" : i === buckets.length ? "-translate-x-full" : "-translate-x-1/2"}`} style={{ left: `${i * slot}%` }}>{d}</span>
              ))}
            </div>
            <p aria-hidden className="text-center text-[11px] text-slate-500">days from today</p>
          </div>
          <table className="sr-only">
            <caption>Certificates expiring per 10-day period</caption>
            <thead><tr><th scope="col">Days from today</th><th scope="col">Certificates</th></tr></thead>
            <tbody>{buckets.map((b) => <tr key={b.fromDay}><td>{`${b.fromDay}–${b.toDay}`}</td><td>{b.count}</td></tr>)}</tbody>
          </table>
        </figure>
      )}
      {forecast.soonest.length ? (
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Soonest to expire">
          {forecast.soonest.map((c) => (
            <li key={c.serial} className="flex items-center justify-between gap-3 py-2">
              <Link href={`/certificates/${c.serial}`} className="min-w-0 truncate font-medium text-brand-700 hover:underline dark:text-brand-300">{c.pluginId ?? c.subject}</Link>
              <span className={`shrink-0 tabular-nums ${c.daysLeft <= 30 ? "font-semibold text-red-700 dark:text-red-300" : "text-slate-500"}`}>{c.daysLeft} d</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
