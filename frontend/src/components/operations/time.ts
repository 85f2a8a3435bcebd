// Times as the operator reads them: local clock time, and how long until an SLA is due.

/** "2026-11-22 11:16:50" from an ISO time (in the browser's zone), or "—". */
export function clock(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Milliseconds left until `iso` at `now` (negative when overdue), or null without a due time. */
export function msLeft(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const due = new Date(iso).getTime();
  return Number.isNaN(due) ? null : due - now;
}

/** "3:59:12" (hours:minutes:seconds) for a duration in ms, sign dropped. */
export function hms(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(total / 3600)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}
