/**
 * The app's languages: i18next with the typed catalogues, the antd locale that goes with each
 * language, and the choice of language (remembered in localStorage, else the browser's).
 *
 * @module
 */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale as AntdLocale } from 'antd/es/locale';
import antdEn from 'antd/locale/en_US';
import antdZhCN from 'antd/locale/zh_CN';
import { en } from './en.ts';
import { zhCN } from './zh-cn.ts';

/** The languages of the app, zh-CN first (the users read Chinese first). */
export const languages = ['zh-CN', 'en'] as const;
/** @see languages */
export type Language = (typeof languages)[number];

/** Every catalogue, by language. */
export const catalogues = { 'zh-CN': zhCN, en } as const;

/** antd's own texts (pagination, empty states, pickers) in each language. */
export const antdLocales: Record<Language, AntdLocale> = { 'zh-CN': antdZhCN, en: antdEn };

/** dayjs's locale for each language: antd's date pickers take month and weekday names from it. */
export const dayjsLocales: Record<Language, string> = { 'zh-CN': 'zh-cn', en: 'en' };

/** Where the chosen language is remembered. */
export const languageStorageKey = 'baton.language';

/** Whether `value` is one of {@link languages}. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/**
 * The language to start in: the remembered choice, else the first of the browser's preferred
 * languages that the app speaks (any `zh*` → zh-CN, any `en*` → en), else English.
 */
export function pickLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(languageStorageKey);
  } catch {
    return null;
  }
}

/** Switches the app (and antd, through the `languageChanged` event) to `language` and remembers it. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(languageStorageKey, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  await i18next.changeLanguage(language);
}

/** Initialises i18next once, in the remembered or the browser's language. */
export function initI18n(): typeof i18next {
  const lng = pickLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: false,
    supportedLngs: [...languages],
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    // React escapes every text it renders; labels are never HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const sync = (language: string) => {
    document.documentElement.lang = language;
    dayjs.locale(isLanguage(language) ? dayjsLocales[language] : 'en');
    document.title = i18next.t('app.name');
  };
  sync(lng);
  i18next.on('languageChanged', sync);
  return i18next;
}
