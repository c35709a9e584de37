/**
 * The problem badge of a node or edge on the canvas: how many problems it has, red when one is an
 * error and orange for warnings only, with a tooltip listing them in the user's language. Shows
 * nothing for an element without problems (and reads only that element's problems).
 *
 * @module
 */
import { Tooltip } from 'antd';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useElementProblems } from './live-problems.tsx';
import { useProblemText } from './problem-text.ts';

/** The badge of node or edge `id`. */
export const ProblemBadge = memo(function ProblemBadge({ id, className = '' }: { id: string; className?: string }) {
  const { t } = useTranslation();
  const text = useProblemText();
  const entry = useElementProblems(id);
  if (!entry) return null;
  const count = entry.problems.length;
  const severity = entry.errors > 0 ? 'error' : 'warning';
  const label = t('versions.badge.label', { errors: entry.errors, warnings: entry.warnings });
  const list = (
    <div className="problem-badge-tip">
      <div className="problem-badge-tip-head">{label}</div>
      <ul>
        {entry.problems.map((p, i) => (
          <li key={`${p.code}|${p.path}|${i}`} className={`problem-badge-tip-${p.severity}`}>
            {text(p).title}
          </li>
        ))}
      </ul>
    </div>
  );
  return (
    <Tooltip title={list} placement="top">
      <span
        className={`problem-badge problem-badge-${severity} ${className}`}
        data-testid="problem-badge"
        data-severity={severity}
        data-codes={entry.problems.map((p) => p.code).join(' ')}
        role="img"
        aria-label={label}
        tabIndex={0}
      >
        {count}
      </span>
    </Tooltip>
  );
});
