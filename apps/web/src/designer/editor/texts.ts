/**
 * The editor's part of the typed catalogues, for pure code that has no i18next instance (new
 * node names, history labels in tests).
 *
 * @module
 */
import type { Language } from '../../i18n/index.ts';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';

const editorTexts = { en: en.editor, 'zh-CN': zhCN.editor } as const;

/** The editor's part of the catalogue of `locale`. */
export function editorCatalogue(locale: Language): typeof en.editor {
  return editorTexts[locale];
}
