/**
 * A FEEL expression input with live checking as the user types: syntax errors and unknown
 * fields (from `checkExpression` of `@baton/definition`, pure), in the user's language, plus
 * whatever the last full validation found at this path.
 *
 * @module
 */
import { checkExpression, suggestClosest } from '@baton/definition';
import { Input, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../validation/problems.ts';
import { ProblemLines } from './ProblemLines.tsx';

/** The result of checking one expression, in catalogue terms. */
export type FeelCheck =
  | { state: 'empty' }
  | { state: 'ok'; fields: string[] }
  | { state: 'syntax'; code: string; offset?: number }
  | { state: 'unknown'; names: { name: string; hint?: string }[] };

/** Checks `source` against the fields the process declares. Pure. */
export function checkFeel(source: string, knownFields: ReadonlySet<string>): FeelCheck {
  if (source.trim() === '') return { state: 'empty' };
  const result = checkExpression(source, { knownFields });
  if (!result.ok)
    return {
      state: 'syntax',
      code: result.error.code,
      ...(result.error.offset === undefined ? {} : { offset: result.error.offset + 1 }),
    };
  if (result.unknown.length > 0)
    return {
      state: 'unknown',
      names: result.unknown.map((name) => {
        const hint = suggestClosest(name, [...knownFields]);
        return hint ? { name, hint } : { name };
      }),
    };
  return { state: 'ok', fields: result.names };
}

/** Props of {@link FeelInput}. */
export interface FeelInputProps {
  value: string;
  onChange?: (value: string) => void;
  knownFields: ReadonlySet<string>;
  /** Problems of the last validation at this expression's path. */
  problems?: readonly Problem[];
  id?: string;
  'aria-label'?: string;
}

/** A FEEL input with its live check below it; read-only without `onChange`. */
export function FeelInput({ value, onChange, knownFields, problems = [], id, ...rest }: FeelInputProps) {
  const { t } = useTranslation();
  const check = useMemo(() => checkFeel(value, knownFields), [value, knownFields]);
  const lines: { type: 'danger' | 'success' | 'warning'; text: string }[] = [];
  if (check.state === 'ok')
    lines.push({
      type: 'success',
      text:
        check.fields.length > 0
          ? t('properties.conditions.ok', { fields: check.fields.join(', ') })
          : t('properties.conditions.okNoFields'),
    });
  if (check.state === 'syntax')
    lines.push({
      type: 'danger',
      text:
        check.offset === undefined
          ? t('properties.conditions.syntaxNoOffset', { code: check.code })
          : t('properties.conditions.syntax', { code: check.code, offset: check.offset }),
    });
  if (check.state === 'unknown')
    for (const { name, hint } of check.names)
      lines.push({
        type: 'danger',
        text: hint
          ? t('properties.conditions.unknownFieldHint', { name, hint })
          : t('properties.conditions.unknownField', { name }),
      });
  // The full validation repeats what the live check says about syntax and fields: show only the rest.
  const others = problems.filter((p) => p.code !== 'DEF_EXPRESSION_SYNTAX' && p.code !== 'DEF_UNKNOWN_FIELD');
  return (
    <div className="props-feel">
      <Input.TextArea
        id={id}
        aria-label={rest['aria-label']}
        className="mono"
        rows={2}
        value={value}
        readOnly={!onChange}
        placeholder={t('properties.conditions.placeholder')}
        status={lines.some((l) => l.type === 'danger') ? 'error' : undefined}
        onChange={(e) => onChange?.(e.target.value)}
        spellCheck={false}
      />
      {lines.map((l, i) => (
        <Typography.Text key={i} type={l.type} className="props-feel-line" data-testid="feel-check">
          {l.text}
        </Typography.Text>
      ))}
      <ProblemLines problems={others} />
    </div>
  );
}
