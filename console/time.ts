/**
 * Times as the operator reads them: their own zone, with UTC beside it where a schedule is set.
 * `<input type="datetime-local">` holds a zone-less `YYYY-MM-DDTHH:MM[:SS]`, which JavaScript's
 * Date reads as local time.
 */

/** The UTC ISO time (`…Z`, whole seconds) of a datetime-local value, or undefined if it is not one. */
export function localInputToUtc(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A datetime-local value (minutes) for a moment, in the local zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An epoch-seconds string of the record (or an ISO time) as local date and time; `—` for none. */
export function formatTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `1 h 02 min 03 s` style, for durations and elapsed times. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(rest).padStart(2, '0')} s`;
  if (m > 0) return `${m} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}
