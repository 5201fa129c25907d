// Figures and times through Intl, for one locale: no screen state here (see i18n/index.svelte.ts for the chosen one).

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

/** A whole count with the locale's grouping: 'en' 1,234; 'de' 1.234. */
export function formatCount(locale: string, n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A ratio as a percentage: 'en' 85%; 'de' 85 %. */
export function formatPercent(locale: string, ratio: number | null | undefined, digits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

/** m:ss or h:mm:ss (the form stays; the digits are the locale's); past a day, days and hours. */
export function formatDuration(locale: string, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const total = Math.floor(Math.max(0, ms) / 1000);
  const plain = numberFormat(locale, { useGrouping: false, maximumFractionDigits: 0 });
  const two = numberFormat(locale, { useGrouping: false, minimumIntegerDigits: 2, maximumFractionDigits: 0 });
  // Past a day (a call whose end never arrived, say) h:mm:ss stops being readable.
  if (total >= 86_400) return `${plain.format(Math.floor(total / 86_400))}d ${plain.format(Math.floor((total % 86_400) / 3600))}h`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${plain.format(h)}:${two.format(m)}:${two.format(s)}` : `${plain.format(m)}:${two.format(s)}`;
}

export interface TimeOptions {
  seconds?: boolean;
  /** Add the zone's name after the time ("19:31 Europe/London"). */
  zone?: boolean;
}

/** A wall-clock time in the centre's zone `tz`, 24-hour, in the locale's digits. */
export function formatTime(locale: string, at: string | number | Date | null | undefined, tz: string, options: TimeOptions = {}): string {
  if (at === null || at === undefined || at === '') return '–';
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) return '–';
  const text = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
    timeZone: tz,
  }).format(date);
  return options.zone ? `${text} ${tz}` : text;
}

/** A date and time in the zone `tz` (admin lists): the locale's short date, 24-hour time, the zone. */
export function formatDateTime(locale: string, at: string | number | Date | null | undefined, tz: string): string {
  if (at === null || at === undefined || at === '') return '–';
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) return '–';
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23', timeZone: tz }).format(date);
  return `${text} ${tz}`;
}

/** An automatic prompt's figures as its message shows them: `…Ms` as a duration (named without `Ms`), `value` and
 * `target` as percentages, anything else as it is. */
export function promptParams(locale: string, raw: Record<string, string | number>): Record<string, string | number> {
  const params = Object.create(null) as Record<string, string | number>;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'number' && name.endsWith('Ms')) params[name.slice(0, -2)] = formatDuration(locale, value);
    else if (typeof value === 'number' && (name === 'value' || name === 'target')) params[name] = formatPercent(locale, value);
    else params[name] = value;
  }
  return params;
}
