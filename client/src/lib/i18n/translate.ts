// The message catalogues and `translate`: no screen state here (see index.svelte.ts for the chosen language).
import { en, type Message, type MessageKey, type Messages } from './en.ts';
import { es } from './es.ts';

export type { MessageKey } from './en.ts';
export type Params = Record<string, string | number>;

/** Every language with a catalogue; en.ts is the source of truth. */
export const CATALOGUES: Record<string, Messages> = { en, es };

/** The catalogue's language for a locale or language tag ('es-MX' → 'es'); anything unknown → 'en'. */
export function languageOf(tag: string | null | undefined): string {
  if (!tag) return 'en';
  try {
    const language = new Intl.Locale(tag).language;
    return Object.hasOwn(CATALOGUES, language) ? language : 'en';
  } catch {
    return 'en';
  }
}

/**
 * A message in `lang` with `{name}` parameters filled in. A message with plural forms picks its form by
 * Intl.PluralRules on `params.count`. A key missing from a catalogue falls back to English.
 */
export function translate(lang: string, key: MessageKey, params: Params = {}, formatNumber: (n: number) => string = String): string {
  const catalogue = Object.hasOwn(CATALOGUES, lang) ? CATALOGUES[lang]! : en;
  const entry: Message = catalogue[key] ?? en[key];
  let message: string;
  if (typeof entry === 'string') message = entry;
  else {
    const form = new Intl.PluralRules(lang).select(Number(params.count ?? 0)) as keyof typeof entry;
    message = entry[form] ?? entry.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole: string, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** The `{name}` parameters a message uses, in every plural form. */
export function parametersOf(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  return [...new Set(texts.flatMap((text) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort();
}
