/**
 * The language `baton` speaks: chosen once per run from the environment, then used through the
 * message catalogue ({@link Messages}) that commands get on their `CommandContext`.
 *
 * @module
 */
import type { Locale } from '@baton/client';
import { en } from './messages/en.ts';
import type { Messages } from './messages/messages.ts';
import { zhCN } from './messages/zh-CN.ts';

/** A language of `baton`: the product's locales. */
export type Language = Locale;

/** The languages `BATON_LANG` accepts, in the order usage texts name them. */
export const languages = ['en', 'zh-CN'] as const satisfies readonly Language[];

/** The message catalogue of every language (a language without one is a type error). */
export const catalogues: Readonly<Record<Language, Messages>> = { en, 'zh-CN': zhCN };

/** The environment variables the language is chosen from. */
export type LanguageEnv = Readonly<Record<string, string | undefined>>;

/** The chosen language, or the unsupported `BATON_LANG` value with the language to complain in. */
export type LanguageChoice = { ok: true; language: Language } | { ok: false; value: string; fallback: Language };

/**
 * Chooses the language: `BATON_LANG` (`en` or `zh-CN`) when set; else the first of `LC_ALL`,
 * `LC_MESSAGES`, `LANG` that is set decides (`zh…` gives `zh-CN`, anything else `en`); else
 * `en`. An empty variable counts as unset. Any other `BATON_LANG` is refused, with the language
 * the locale variables give as `fallback` to say so in.
 *
 * @example
 * chooseLanguage({ LANG: 'zh_CN.UTF-8' }); // { ok: true, language: 'zh-CN' }
 * chooseLanguage({ BATON_LANG: 'en', LANG: 'zh_CN.UTF-8' }); // { ok: true, language: 'en' }
 */
export function chooseLanguage(env: LanguageEnv): LanguageChoice {
  const fallback = languageOfLocale(env);
  const chosen = env.BATON_LANG?.trim();
  if (!chosen) return { ok: true, language: fallback };
  const known = languages.find((l) => l === chosen);
  return known ? { ok: true, language: known } : { ok: false, value: chosen, fallback };
}

/**
 * The language the POSIX locale variables ask for: the first set of `LC_ALL`, `LC_MESSAGES`,
 * `LANG`; a value starting with `zh` (any case, e.g. `zh_CN.UTF-8`, `zh_TW`) gives `zh-CN`,
 * anything else (`C`, `en_US.UTF-8`, `de_DE`) `en`. Nothing set gives `en`.
 */
export function languageOfLocale(env: LanguageEnv): Language {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].map((v) => v?.trim()).find((v) => v);
  return value?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The message catalogue of `language`. */
export function messagesFor(language: Language): Messages {
  return catalogues[language];
}

export type { CommandHelp, CommandName, LocalText, Messages } from './messages/messages.ts';
