// The message catalogues (Spanish complete against English, parameters alike) and the Intl formatters.
import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from '../../client/src/lib/i18n/en.ts';
import { es } from '../../client/src/lib/i18n/es.ts';
import { CATALOGUES, languageOf, parametersOf, translate } from '../../client/src/lib/i18n/translate.ts';
import { formatCount, formatDuration, formatPercent, formatTime } from '../../client/src/lib/intl.ts';

const keys = Object.keys(en).sort() as MessageKey[];

describe('message catalogues', () => {
  it('es has every key of en and no other', () => {
    expect(Object.keys(es).sort()).toEqual(keys);
  });

  for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
    it(`${lang}: every key of en, no empty message, the same parameters as English`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(keys);
      for (const key of keys) {
        const message = catalogue[key];
        const texts = typeof message === 'string' ? [message] : Object.values(message);
        for (const text of texts) expect(text?.trim(), `${lang} ${key}`).toBeTruthy();
        expect(parametersOf(message), `${lang} ${key}`).toEqual(parametersOf(en[key]));
        if (typeof en[key] !== 'string') expect(typeof message, `${lang} ${key} has plural forms`).toBe('object');
      }
    });
  }

  it('fills parameters and picks plural forms by Intl.PluralRules', () => {
    expect(translate('en', 'wall.refused', { role: 'agent' })).toBe('The wall is for supervisors and display tokens; you are signed in as agent.');
    expect(translate('es', 'banners.count', { count: 1 })).toBe('1 aviso visible');
    expect(translate('es', 'banners.count', { count: 3 })).toBe('3 avisos visibles');
    expect(translate('en', 'banners.count', { count: 1 })).toBe('1 banner showing');
    expect(translate('en', 'banners.count', { count: 0 })).toBe('0 banners showing');
  });

  it('chooses a catalogue by language; unknown languages fall back to English', () => {
    expect(languageOf('es-MX')).toBe('es');
    expect(languageOf('es')).toBe('es');
    expect(languageOf('en-GB')).toBe('en');
    expect(languageOf('fr')).toBe('en');
    expect(languageOf('not a tag!')).toBe('en');
    expect(translate('xx', 'wall.title')).toBe('Contact centre');
  });
});

describe('Intl formatters', () => {
  it('numbers and percentages follow the locale', () => {
    expect(formatCount('en', 1234)).toBe('1,234');
    expect(formatCount('de', 1234)).toBe('1.234');
    expect(formatPercent('en', 0.85)).toBe('85%');
    expect(formatPercent('de', 0.85)).toBe('85\u00a0%');
    expect(formatPercent('en', 0.123, 1)).toBe('12.3%');
    expect(formatPercent('de', 0.123, 1)).toBe('12,3\u00a0%');
    expect(formatCount('en', null)).toBe('–');
  });

  it('durations keep m:ss / h:mm:ss, with the locale digits', () => {
    expect(formatDuration('en', 65_000)).toBe('1:05');
    expect(formatDuration('de', 3_725_000)).toBe('1:02:05');
    expect(formatDuration('en', 12_345_000)).toBe('3:25:45');
    expect(formatDuration('ar-EG', 65_000)).toBe('١:٠٥');
    expect(formatDuration('en', undefined)).toBe('–');
  });

  it('times are in the centre zone, labelled with it', () => {
    const at = '2026-07-01T18:31:00Z';
    expect(formatTime('en', at, 'Europe/London')).toBe('19:31');
    expect(formatTime('en', at, 'America/New_York')).toBe('14:31');
    expect(formatTime('en', at, 'Europe/London', { zone: true })).toBe('19:31 Europe/London');
    const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
    // London is 5 hours ahead of New York in July.
    expect(minutes(formatTime('en', at, 'Europe/London')) - minutes(formatTime('en', at, 'America/New_York'))).toBe(300);
    expect(formatTime('en', '2026-01-15T00:05:00Z', 'Europe/London', { seconds: true })).toBe('00:05:00');
  });
});

describe('WALLBOARD_LOCALE', () => {
  it('defaults to the settings locale, en; is canonicalised; a bad one fails naming the variable', async () => {
    const { readConfig } = await import('../../server/config.ts');
    expect(readConfig({}).locale).toBe('en');
    expect(readConfig({ WALLBOARD_LOCALE: 'es-mx' }).locale).toBe('es-MX');
    expect(() => readConfig({ WALLBOARD_LOCALE: 'not a locale' })).toThrow(/^WALLBOARD_LOCALE: /);
  });
});
