/**
 * History labels in the current language (see {@link HistoryLabel}). Pure.
 *
 * @module
 */
import type { TFunction } from 'i18next';
import type { Language } from '../../i18n/index.ts';
import { localizedText } from '../describe.ts';
import type { HistoryLabel } from './history.ts';

/** A history label in the current language: catalogue keys translated with `t`, names in `locale`. */
export function labelText(label: HistoryLabel, t: TFunction, locale: Language): string {
  if (typeof label === 'string') return label;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(label.values ?? {}))
    values[name] =
      typeof value === 'object'
        ? 'key' in value
          ? (t as (key: string) => string)(value.key)
          : localizedText(value.text, locale, value.fallback)
        : value;
  return (t as (key: string, values: Record<string, string | number>) => string)(label.key, values);
}
