/**
 * Small formatting helpers of the inbox. Pure.
 *
 * @module
 */
import type { LocalizedText } from '@baton/client';
import dayjs from 'dayjs';

/** A timestamp as `MM-DD HH:mm` in the browser's zone (`YYYY-MM-DD HH:mm` when not this year). */
export function formatTime(iso: string): string {
  const at = dayjs(iso);
  return at.format(at.year() === dayjs().year() ? 'MM-DD HH:mm' : 'YYYY-MM-DD HH:mm');
}

/** A bilingual label in the language shown, else the other one, else `fallback`. */
export function localizedOr(label: LocalizedText | null | undefined, language: string, fallback: string): string {
  if (!label) return fallback;
  const first = language === 'en' ? label.en : label['zh-CN'];
  const second = language === 'en' ? label['zh-CN'] : label.en;
  return first ?? second ?? fallback;
}
