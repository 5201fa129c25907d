// The screen's language and the centre's locale, reactive: `t(key, params)` and the formatters follow them.
import { formatCount } from '../intl.ts';
import { languageOf, translate, type MessageKey, type Params } from './translate.ts';

const STORAGE_KEY = 'wallboard.lang';

/** `?lang=` on any screen, kept for the session; unset, the centre's locale's language. */
function chosenLanguage(): string | null {
  try {
    const fromUrl = new URLSearchParams(window.location.search).get('lang');
    if (fromUrl) {
      window.localStorage.setItem(STORAGE_KEY, fromUrl);
      return fromUrl;
    }
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

class I18n {
  /** The centre's locale (GET /api/v1/config `locale`): numbers and times. */
  locale = $state('en');
  /** The person's or display's choice (`?lang=`), or null for the centre's language. */
  readonly #chosen: string | null = typeof window === 'undefined' ? null : chosenLanguage();
  /** The language messages are in. */
  readonly lang = $derived(languageOf(this.#chosen ?? this.locale));

  setCentreLocale(locale: string | undefined): void {
    if (locale) this.locale = locale;
  }
}

export const i18n = new I18n();

$effect.root(() => {
  $effect(() => {
    document.documentElement.lang = i18n.lang;
  });
});

/** A message from the catalogue of the screen's language, `{name}` parameters filled in (numbers in the centre's locale). */
export function t(key: MessageKey, params?: Params): string {
  return translate(i18n.lang, key, params, (n) => formatCount(i18n.locale, n));
}
