import type { en } from './en.ts';

declare module 'i18next' {
  /** Keys of `t()` are checked against the English catalogue. */
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
