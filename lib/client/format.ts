// Dates as the console shows them: ISO days (unambiguous across locales, identical on server and
// client so server-rendered and hydrated text agree) and short relative ages.
export function isoDay(iso: string): string {
  return iso.slice(0, 10);
}

export function isoMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function ageOf(iso: string, now = Date.now()): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function daysWord(days: number): string {
  return `${days} day${days === 1 ? "" : "s"}`;
}
