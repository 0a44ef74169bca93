// A tiny i18n layer: all UI strings live in src/locales/<lang>.json (flat keys,
// `{{name}}` placeholders). The chosen language is remembered in localStorage;
// the default comes from the browser's language list.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from './locales/en.json';
import ruJson from './locales/ru.json';

export type MessageKey = keyof typeof en;
export type Lang = 'en' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'ru'];

// Typed so that a key missing from ru.json fails `npm run typecheck`.
const ru: Record<MessageKey, string> = ruJson;
const catalogs: Record<Lang, Record<MessageKey, string>> = { en, ru };

const STORAGE_KEY = 'vitrina_lang';

function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'ru';
}

export function detectLanguage(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage disabled: fall through to the browser language
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const l of prefs) {
    const base = (l ?? '').toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

export type TFunction = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18nValue {
  lang: Lang;
  /** BCP 47 tag for Intl formatting. */
  locale: string;
  setLang: (l: Lang) => void;
  t: TFunction;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(detectLanguage);

  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // ignore
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<I18nValue>(() => {
    const cat = catalogs[lang];
    const t: TFunction = (key, params) => {
      let s = cat[key] ?? en[key] ?? key;
      if (params) {
        s = s.replace(/\{\{(\w+)\}\}/g, (m, name: string) =>
          Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m,
        );
      }
      return s;
    };
    return { lang, locale: lang === 'ru' ? 'ru-RU' : 'en-GB', setLang, t };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
