import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { pickLanguage } from './index.ts';
import { zhCN } from './zh-cn.ts';

/** Every leaf of a catalogue as [dotted key, text]. */
function entries(value: object, prefix = ''): Array<[string, string]> {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'string'
      ? [[`${prefix}${key}`, child] as [string, string]]
      : entries(child as object, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('have the same keys in zh-CN and en, none empty', () => {
    const zh = new Map(entries(zhCN));
    const english = new Map(entries(en));
    expect([...zh.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of [...zh, ...english]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same interpolation values in both languages (a type check cannot see these)', () => {
    const zh = new Map(entries(zhCN));
    for (const [key, text] of entries(en)) expect(placeholders(zh.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('translate every user-facing zh-CN text (only names and codes may stay the same as in English)', () => {
    const sameOnPurpose = new Set([
      'app.name',
      'languages.zh-CN',
      'languages.en',
      'models.versionNumber',
      'versions.number',
      'designer.versionOption',
      'designer.attribution',
      'designer.action.http',
    ]);
    const zh = new Map(entries(zhCN));
    for (const [key, text] of entries(en)) if (!sameOnPurpose.has(key)) expect(zh.get(key), key).not.toBe(text);
  });
});

describe('pickLanguage', () => {
  it('keeps a remembered choice over the browser', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage('zh-CN', ['en-US'])).toBe('zh-CN');
  });

  it('otherwise takes the first browser language the app speaks', () => {
    expect(pickLanguage(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLanguage(null, ['de-DE', 'en-GB', 'zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['fr', 'zh-Hans-CN'])).toBe('zh-CN');
  });

  it('falls back to English, and ignores a remembered value that is not a language', () => {
    expect(pickLanguage(null, [])).toBe('en');
    expect(pickLanguage('klingon', ['ja'])).toBe('en');
  });
});
