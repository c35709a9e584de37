/**
 * The Problems panel: every error and warning of live validation with its code, where it is (the
 * step or connection by name) and how to fix it, in the user's language. Clicking a row selects
 * the element (and the properties panel then opens the faulty field).
 *
 * @module
 */
import { CheckCircleOutlined, CloseCircleOutlined, WarningOutlined } from '@ant-design/icons';
import type { ProcessDefinition } from '@baton/definition';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { localizedText } from '../describe.ts';
import { findEdge, findNode } from '../properties/edits.ts';
import { useProblemText } from './problem-text.ts';
import type { Problem } from './problems.ts';
import '../properties/properties.css';

/** Props of {@link ProblemsPanel}. */
export interface ProblemsPanelProps {
  problems: readonly Problem[];
  definition: ProcessDefinition;
  locale: Language;
  /** Whether a change is waiting to be validated. */
  checking?: boolean;
  /** Called when the user picks a problem: select its element and focus its field. */
  onSelect?: (problem: Problem) => void;
}

/** The name of the element a problem is about, in `locale`. */
export function problemPlace(problem: Problem, definition: ProcessDefinition, locale: Language): string | undefined {
  if (!problem.element) return undefined;
  if (problem.element.kind === 'node')
    return localizedText(findNode(definition, problem.element.id)?.name, locale, problem.element.id);
  const found = findEdge(definition, problem.element.id);
  if (!found) return problem.element.id;
  const name = (id: string) => localizedText(found.scope.nodes.find((n) => n.id === id)?.name, locale, id);
  return found.edge.name
    ? localizedText(found.edge.name, locale, found.edge.id)
    : `${name(found.edge.from)} → ${name(found.edge.to)}`;
}

/** The list of problems. */
export function ProblemsPanel({ problems, definition, locale, checking = false, onSelect }: ProblemsPanelProps) {
  const { t } = useTranslation();
  const text = useProblemText();
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="problems" data-testid="problems-panel" aria-label={t('properties.problems.title')}>
      <div className="problems-head">
        <Typography.Text strong>{t('properties.problems.title')}</Typography.Text>
        <Typography.Text type="secondary" data-testid="problems-count">
          {checking
            ? t('properties.problems.checking')
            : t('properties.problems.count', { errors, warnings: problems.length - errors })}
        </Typography.Text>
      </div>
      {problems.length === 0 && !checking && (
        <Typography.Text type="success" className="problems-none">
          <CheckCircleOutlined /> {t('properties.problems.none')}
        </Typography.Text>
      )}
      <ul className="problems-list">
        {problems.map((p, i) => {
          const words = text(p);
          const place = problemPlace(p, definition, locale) ?? t('properties.problems.process');
          return (
            <li key={`${p.code}|${p.path}|${i}`}>
              <button
                type="button"
                className={`problems-row problems-${p.severity}`}
                data-testid="problem-row"
                data-code={p.code}
                disabled={!onSelect}
                // The validator's detailed message is English: a tooltip in English only.
                title={words.details ?? t('properties.problems.select', { name: place })}
                onClick={() => onSelect?.(p)}
              >
                <span className="problems-icon" aria-label={t(`properties.problems.${p.severity}`)}>
                  {p.severity === 'error' ? <CloseCircleOutlined /> : <WarningOutlined />}
                </span>
                <span className="problems-body">
                  <span className="problems-title">{words.title}</span>
                  <span className="problems-where">
                    {p.path === ''
                      ? t('properties.problems.location', { place, code: p.code })
                      : t('properties.problems.locationAt', { place, code: p.code, path: p.path })}
                  </span>
                  <span className="problems-fix">{t('properties.problems.fixLine', { fix: words.fix })}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
