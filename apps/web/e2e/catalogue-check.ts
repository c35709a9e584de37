/**
 * Which rendered strings a user may see: catalogue values of the page's language (templates
 * with `{{x}}` match any value), antd's own texts in that language, and data (names, keys,
 * numbers). Anything else is a string that bypassed the catalogues.
 *
 * @module
 */
import antdEn from 'antd/locale/en_US.js';
import antdZhCN from 'antd/locale/zh_CN.js';
import { en } from '../src/i18n/en.ts';
import { zhCN } from '../src/i18n/zh-cn.ts';

/** A language of the app. */
export type Lang = 'zh-CN' | 'en';

function leaves(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const child of Object.values(value)) leaves(child, into);
  return into;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Builds the check for `lang`, with `data` (strings from the server) allowed as they are. */
export function textChecker(lang: Lang, data: readonly string[]): (text: string) => boolean {
  const catalogue = leaves(lang === 'en' ? en : zhCN);
  const exact = new Set<string>([
    ...catalogue.filter((s) => !s.includes('{{')),
    ...leaves(lang === 'en' ? antdEn : antdZhCN),
    ...data,
  ]);
  const templates = catalogue
    .filter((s) => s.includes('{{'))
    .map(
      (s) =>
        new RegExp(
          `^${s
            .split(/\{\{\s*\w+\s*\}\}/)
            .map(escape)
            .join('.+')}$`,
          's',
        ),
    );
  const known = [...exact];
  const allowed = (text: string) =>
    exact.has(text) ||
    templates.some((re) => re.test(text)) ||
    // A label cut to fit its edge on the canvas ("followUp…"): the start of a known string.
    (text.length > 1 &&
      text.endsWith('…') &&
      known.some((k) => k.length > text.length - 1 && k.startsWith(text.slice(0, -1))));
  return (raw) => {
    // antd puts a space between two CJK characters in a button ("登 录").
    const text = raw
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/(?<=^[\u4e00-\u9fff])\s(?=[\u4e00-\u9fff]$)/, '');
    // Numbers, page numbers, separators.
    if (/^[\d\s.,:;/\-–—%+()·…]*$/.test(text)) return true;
    // antd writes "20 / page" from a number and its locale's "/ page".
    return allowed(text) || allowed(text.replace(/^\d+\s*/, '')) || allowed(text.replace(/\s*\d+$/, ''));
  };
}
