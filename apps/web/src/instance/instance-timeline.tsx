/**
 * The timeline of an instance: who did what, when, with their comments (审批意见), from the
 * history `getInstance` returns. Text only (labels and comments are never rendered as HTML).
 *
 * @module
 */
import type { HistoryEntry } from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import { Empty, Tag, Timeline } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { localizedText } from '../designer/describe.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import { type TimelineItem, timelineItems } from './timeline-items.ts';
import './instance.css';

/** Props of {@link InstanceTimeline}. */
export interface InstanceTimelineProps {
  history: readonly HistoryEntry[];
  /** For step names (else the node ids are shown). */
  definition?: Pick<ProcessDefinition, 'nodes'>;
  /** Display names by username (else usernames are shown). */
  userNames?: Readonly<Record<string, string>>;
  /** Newest first (default: oldest first). */
  newestFirst?: boolean;
}

const colors: Partial<Record<TimelineItem['type'], string>> = {
  'task.completed': 'green',
  'task.autoApproved': 'green',
  'instance.completed': 'green',
  'task.returned': 'orange',
  'task.withdrawn': 'orange',
  'instance.withdrawn': 'orange',
  'escalation.fired': 'red',
  'deadline.reached': 'red',
  'incident.raised': 'red',
  'instance.terminated': 'red',
  'task.created': 'gray',
};

/** The timeline of an instance (see the module comment). */
export function InstanceTimeline({ history, definition, userNames, newestFirst = false }: InstanceTimelineProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const rows = useMemo(() => {
    const items = timelineItems(history);
    return newestFirst ? items.reverse() : items;
  }, [history, newestFirst]);
  const nodeName = (id: string | null | undefined): string | undefined => {
    if (id === null || id === undefined) return undefined;
    const node = definition?.nodes.find((n) => n.id === id);
    return node ? localizedText(node.name, locale, id) : id;
  };
  const who = (username: string | null): string =>
    username === null ? t('task.timeline.system') : (userNames?.[username] ?? username);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });

  if (rows.length === 0) return <Empty description={t('task.timeline.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      className="instance-timeline"
      items={rows.map((row) => {
        const step = nodeName(row.nodeId);
        return {
          key: row.id,
          color: colors[row.type] ?? (row.decision === 'reject' ? 'red' : 'blue'),
          content: (
            <div className="timeline-row" data-type={row.type}>
              <div className="timeline-head">
                {row.type !== 'task.created' && <strong>{who(row.actor)}</strong>}
                <span>{t(`task.timeline.types.${row.type}`)}</span>
                {step !== undefined && <Tag>{step}</Tag>}
                {row.decision !== undefined && (
                  <Tag color={row.decision === 'approve' ? 'success' : 'error'}>
                    {t(`task.timeline.decisions.${row.decision}`)}
                  </Tag>
                )}
                <time className="timeline-time" dateTime={row.at}>
                  {time.format(new Date(row.at))}
                </time>
              </div>
              {(row.users !== undefined || row.toNode !== undefined || row.code !== undefined) && (
                <div className="timeline-detail">
                  {row.users !== undefined && (
                    <span>
                      {t(`task.timeline.users.${row.type === 'task.signersAdded' ? 'signers' : 'to'}`)}
                      {row.users.map(who).join(t('task.timeline.listSeparator'))}
                      {row.position !== undefined &&
                        ` (${t(`task.timeline.positions.${row.position === 'before' || row.position === 'after' ? row.position : 'parallel'}`)})`}
                    </span>
                  )}
                  {row.toNode !== undefined && (
                    <span>
                      {t('task.timeline.users.to')}
                      {row.toNode === '@initiator'
                        ? t('task.timeline.initiator')
                        : row.toNode === '@previous'
                          ? t('task.timeline.previous')
                          : nodeName(row.toNode)}
                    </span>
                  )}
                  {row.code !== undefined && <code>{row.code}</code>}
                </div>
              )}
              {row.comment !== undefined && <blockquote className="timeline-comment">{row.comment}</blockquote>}
            </div>
          ),
        };
      })}
    />
  );
}
