/** Dates and times as people read them, in the user's locale and time zone. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "14:03" or "2:03 PM". */
export function formatTime(ts: number): string {
  return timeFormat.format(ts);
}

/** "Tuesday, 3 March 2026 at 14:03", for tooltips. */
export function formatFullDate(ts: number): string {
  return fullFormat.format(ts);
}

/** Local calendar day as a comparable number (not a timestamp). */
export function dayNumber(ts: number): number {
  const d = new Date(ts);
  return d.getFullYear() * 10_000 + (d.getMonth() + 1) * 100 + d.getDate();
}

/** "Today", "Yesterday", "Monday, 2 March" or "2 March 2025". */
export function formatDay(ts: number, now: number = Date.now()): string {
  const day = dayNumber(ts);
  if (day === dayNumber(now)) return 'Today';
  if (day === dayNumber(now - DAY)) return 'Yesterday';
  if (new Date(ts).getFullYear() === new Date(now).getFullYear()) return dayFormat.format(ts);
  return dayWithYearFormat.format(ts);
}

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago"… */
export function formatRelative(ts: number, now: number = Date.now()): string {
  const diff = ts - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  if (abs < HOUR) return relativeFormat.format(Math.round(diff / MINUTE), 'minute');
  if (abs < DAY) return relativeFormat.format(Math.round(diff / HOUR), 'hour');
  if (abs < 7 * DAY) return relativeFormat.format(Math.round(diff / DAY), 'day');
  if (abs < 30 * DAY) return relativeFormat.format(Math.round(diff / (7 * DAY)), 'week');
  if (abs < 365 * DAY) return relativeFormat.format(Math.round(diff / (30 * DAY)), 'month');
  return relativeFormat.format(Math.round(diff / (365 * DAY)), 'year');
}

/** Whole seconds until `at` (never negative), for countdowns. */
export function secondsUntil(at: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
