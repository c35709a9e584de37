/**
 * The models list's rows and the pure rules it shows them by (names in a language, search).
 *
 * @module
 */
import type { LocalizedText, ProcessModel, VersionSummary } from '@baton/client';
import type { Language } from '../i18n/index.ts';

/** A model with its versions, as the list shows it. */
export interface ModelRow {
  model: ProcessModel;
  versions: VersionSummary[];
}

/** The text of `label` in `language`, else in the other language, else `fallback`. Pure. */
export function localized(label: LocalizedText, language: Language, fallback: string): string {
  return label[language] ?? label[language === 'en' ? 'zh-CN' : 'en'] ?? fallback;
}

/** Whether a row matches the search text (key or either name, case-insensitive; blank matches all). Pure. */
export function matchesQuery(row: ModelRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [row.model.key, row.model.name['zh-CN'], row.model.name.en].some((text) => text?.toLowerCase().includes(q));
}
