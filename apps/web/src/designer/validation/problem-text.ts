/**
 * The words of a problem in the user's language: a title and a fix hint per code from the
 * catalogue (`properties.problems.codes`), and the validator's detailed English message when the
 * app speaks English. A code the catalogue does not know yet gets a generic text.
 *
 * @module
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { en } from '../../i18n/en.ts';
import type { Problem } from './problems.ts';

type Code = keyof typeof en.properties.problems.codes;

/** Whether the catalogues have words for `code`. */
export function isKnownProblemCode(code: string): code is Code {
  return Object.prototype.hasOwnProperty.call(en.properties.problems.codes, code);
}

/** What the Problems panel shows of a problem. */
export interface ProblemText {
  title: string;
  fix: string;
  /** The validator's message (English), shown only in English. */
  details?: string;
}

/** A function from a problem to its words in the current language. */
export function useProblemText(): (problem: Problem) => ProblemText {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  return useCallback(
    (p: Problem) => {
      const code = p.code;
      const words = isKnownProblemCode(code)
        ? { title: t(`properties.problems.codes.${code}.title`), fix: t(`properties.problems.codes.${code}.fix`) }
        : { title: t('properties.problems.genericTitle', { code }), fix: t('properties.problems.genericFix') };
      return english ? { ...words, details: p.message } : words;
    },
    [t, english],
  );
}
