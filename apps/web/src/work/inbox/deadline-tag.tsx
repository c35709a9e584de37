import { ClockCircleOutlined } from '@ant-design/icons';
import type { TimeLeft } from '@baton/client';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from './format.ts';
import { deadlineView } from './time-left.ts';

const colors = { normal: 'processing', soon: 'warning', overdue: 'error' } as const;

/**
 * The working time left to a task's deadline (amber in its last quarter, red once overdue) and
 * the deadline itself, written out (no hover needed on a phone).
 */
export function DeadlineTag({ timeLeft, dueAt }: { timeLeft: TimeLeft | null; dueAt: string | null }) {
  const { t } = useTranslation();
  if (timeLeft === null || dueAt === null) {
    return <span className="inbox-muted">{t('inbox.timeLeft.noDeadline')}</span>;
  }
  const view = deadlineView(timeLeft, dueAt);
  const text =
    view.tone === 'overdue'
      ? t('inbox.timeLeft.overdue', { hours: view.hours, minutes: view.minutes })
      : t('inbox.timeLeft.left', { hours: view.hours, minutes: view.minutes });
  return (
    <span className="inbox-deadline">
      <Tag
        color={colors[view.tone]}
        icon={<ClockCircleOutlined />}
        data-tone={view.tone}
        className="inbox-deadline-tag"
        title={t('inbox.timeLeft.workingTime', { calendar: timeLeft.calendar })}
      >
        {text}
      </Tag>
      <span className="inbox-muted">{t('inbox.timeLeft.due', { at: formatTime(dueAt) })}</span>
    </span>
  );
}
