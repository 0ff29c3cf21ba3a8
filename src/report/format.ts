import { DateTime } from "luxon";

/** "2026-03-02 13:00 CST": the authority's clock, always shown. */
export function formatCst(iso: string, authorityZone: string): string {
  return `${DateTime.fromISO(iso, { zone: "utc" }).setZone(authorityZone).toFormat("yyyy-MM-dd HH:mm")} CST`;
}

/**
 * Zone abbreviations come from Intl, which builds a formatter per call (about 0.1 ms):
 * they depend only on the zone and its offset, so they are remembered.
 */
const abbreviations = new Map<string, string>();

function abbreviation(dt: DateTime, zone: string): string {
  const key = `${zone}|${dt.offset}`;
  let name = abbreviations.get(key);
  if (name === undefined) {
    name = dt.offsetNameShort ?? zone;
    abbreviations.set(key, name);
  }
  return name;
}

/** The same instant in another zone, with its abbreviation. */
export function formatInZone(iso: string, zone: string): string {
  const dt = DateTime.fromISO(iso, { zone: "utc" }).setZone(zone);
  return `${dt.toFormat("yyyy-MM-dd HH:mm")} ${abbreviation(dt, zone)}`;
}

/** CST first; the display zone beside it when it differs. */
export function formatBoth(iso: string, authorityZone: string, displayZone: string): string {
  const cst = formatCst(iso, authorityZone);
  const a = DateTime.fromISO(iso, { zone: "utc" });
  if (a.setZone(displayZone).offset === a.setZone(authorityZone).offset) return cst;
  return `${cst} (${formatInZone(iso, displayZone)})`;
}

/** "2 h 05 min", "45 min", "3 d 4 h"; under a minute reads "< 1 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return "< 1 min";
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  return `${m} min`;
}

export function timeLeft(deadlineIso: string, now: number): string {
  return leftText(DateTime.fromISO(deadlineIso, { zone: "utc" }).toMillis() - now);
}

/** "2 h 05 min left" or "OVERDUE by 5 min", from the milliseconds left. */
export function leftText(ms: number): string {
  return ms >= 0 ? `${formatDuration(ms)} left` : `OVERDUE by ${formatDuration(ms)}`;
}
