/**
 * The problems of one field, under it: the localized title of each code.
 *
 * @module
 */
import { Typography } from 'antd';
import { useProblemText } from '../validation/problem-text.ts';
import type { Problem } from '../validation/problems.ts';

/** One line per problem, red for errors and amber for warnings. */
export function ProblemLines({ problems }: { problems: readonly Problem[] }) {
  const text = useProblemText();
  if (problems.length === 0) return null;
  return (
    <>
      {problems.map((p, i) => (
        <Typography.Text
          key={i}
          type={p.severity === 'error' ? 'danger' : 'warning'}
          className="props-feel-line"
          data-testid="field-problem"
        >
          {text(p).title}
        </Typography.Text>
      ))}
    </>
  );
}
