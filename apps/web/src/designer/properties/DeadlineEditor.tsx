/**
 * A step's response deadline: the time to respond (days, hours, minutes), working or clock time,
 * the calendar (from the server's calendars), and the escalation ladder: at a share of the
 * deadline or after a time, remind, notify, reassign, leave by an escalation path or complete.
 *
 * @module
 */
import type {
  Deadline,
  EscalationAction,
  EscalationRung,
  Owner,
  ProcessDefinition,
  ProcessNode,
} from '@baton/definition';
import { Alert, Button, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { localizedText } from '../describe.ts';
import type { Problem } from '../validation/problems.ts';
import { toDurationParts, toIsoDuration, type DurationParts } from './duration-parts.ts';
import { findEdge } from './edits.ts';
import { OwnerEditor } from './OwnerEditor.tsx';
import { ProblemLines } from './ProblemLines.tsx';
import type { Directory } from './use-directory.ts';

/** Props of {@link DeadlineEditor}. */
export interface DeadlineEditorProps {
  definition: ProcessDefinition;
  node: ProcessNode;
  onChange?: (deadline: Deadline | undefined) => void;
  directory: Directory;
  fields: readonly string[];
  locale: Language;
  problems?: readonly Problem[];
}

/** Days / hours / minutes inputs for an ISO duration (a text input for other forms). */
export function DurationInput({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange?: (iso: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const parts = toDurationParts(value);
  if (!parts)
    return (
      <Input
        aria-label={label}
        className="mono"
        value={value}
        disabled={!onChange}
        onChange={(e) => onChange?.(e.target.value)}
      />
    );
  const set = (patch: Partial<DurationParts>) => onChange?.(toIsoDuration({ ...parts, ...patch }));
  return (
    <Space size={4} wrap>
      <InputNumber
        aria-label={`${label} ${t('properties.deadline.days')}`}
        min={0}
        value={parts.days}
        disabled={!onChange}
        onChange={(n) => set({ days: n ?? 0 })}
        suffix={t('properties.deadline.days')}
        className="props-duration"
      />
      <InputNumber
        aria-label={`${label} ${t('properties.deadline.hours')}`}
        data-testid="duration-hours"
        min={0}
        value={parts.hours}
        disabled={!onChange}
        onChange={(n) => set({ hours: n ?? 0 })}
        suffix={t('properties.deadline.hours')}
        className="props-duration"
      />
      <InputNumber
        aria-label={`${label} ${t('properties.deadline.minutes')}`}
        min={0}
        value={parts.minutes}
        disabled={!onChange}
        onChange={(n) => set({ minutes: n ?? 0 })}
        suffix={t('properties.deadline.minutes')}
        className="props-duration"
      />
    </Space>
  );
}

const actionTypes = ['remind', 'notify', 'reassign', 'leave', 'complete'] as const;

function actionOfType(type: EscalationAction['type'], escalationEdges: string[]): EscalationAction {
  const to: Owner = { type: 'managerOf', of: 'previousAssignee' };
  switch (type) {
    case 'remind':
      return { type };
    case 'notify':
    case 'reassign':
      return { type, to };
    case 'leave':
      return { type, edge: escalationEdges[0] ?? '' };
    case 'complete':
      return { type, output: {} };
  }
}

/** The deadline tab of a step; read-only without `onChange`. */
export function DeadlineEditor({
  definition,
  node,
  onChange,
  directory,
  fields,
  locale,
  problems = [],
}: DeadlineEditorProps) {
  const { t } = useTranslation();
  const deadline = node.deadline;
  const disabled = !onChange;
  const [outputText, setOutputText] = useState<Record<number, string>>({});
  const waits = !['start', 'end', 'exclusiveGateway', 'parallelGateway'].includes(node.type);
  if (!deadline)
    return (
      <div data-path="/deadline">
        <Typography.Paragraph type="secondary">{t('properties.deadline.none')}</Typography.Paragraph>
        {!waits && <Alert type="info" showIcon title={t('properties.deadline.notAllowed')} />}
        {waits && (
          <Button disabled={disabled} data-testid="deadline-add" onClick={() => onChange?.({ duration: 'PT48H' })}>
            {t('properties.deadline.add')}
          </Button>
        )}
      </div>
    );
  const set = (patch: Partial<Deadline>) => {
    const next: Deadline = { ...deadline, ...patch };
    for (const key of Object.keys(patch) as (keyof Deadline)[]) if (patch[key] === undefined) delete next[key];
    onChange?.(next);
  };
  const rungs = deadline.escalations ?? [];
  const setRung = (i: number, rung: EscalationRung | undefined) => {
    const next = rung ? rungs.map((r, j) => (j === i ? rung : r)) : rungs.filter((_, j) => j !== i);
    set({ escalations: next.length > 0 ? next : undefined });
  };
  const escalationEdges = definition.edges.filter((e) => e.from === node.id && e.escalation).map((e) => e.id);
  const nested = (e: string) => findEdge(definition, e)?.edge;
  const processCalendar = definition.calendar ?? 'standard';
  const calendar = directory.calendars.find((c) => c.key === (deadline.calendar ?? node.calendar ?? processCalendar));

  return (
    <div className="props-deadline" data-path="/deadline">
      <ProblemLines problems={problems} />
      <Form.Item label={t('properties.deadline.duration')} className="props-item">
        <DurationInput
          label={t('properties.deadline.duration')}
          value={deadline.duration}
          onChange={onChange && ((duration) => set({ duration }))}
        />
      </Form.Item>
      <Form.Item label={t('properties.deadline.time')} className="props-item">
        <Radio.Group
          value={deadline.time ?? 'working'}
          disabled={disabled}
          onChange={(e) => set({ time: e.target.value === 'working' ? undefined : 'clock' })}
          options={[
            { value: 'working', label: t('properties.deadline.working') },
            { value: 'clock', label: t('properties.deadline.clock') },
          ]}
        />
      </Form.Item>
      <Form.Item
        label={t('properties.deadline.calendar')}
        className="props-item"
        extra={
          calendar?.coveredUntil ? t('properties.deadline.calendarCovered', { date: calendar.coveredUntil }) : undefined
        }
      >
        <Select<string>
          aria-label={t('properties.deadline.calendar')}
          value={deadline.calendar ?? ''}
          disabled={disabled}
          onChange={(c) => set({ calendar: c === '' ? undefined : c })}
          options={[
            {
              value: '',
              label: t('properties.deadline.calendarDefault', { calendar: node.calendar ?? processCalendar }),
            },
            ...directory.calendars.map((c) => ({
              value: c.key,
              label: t('properties.nameWithKey', { name: localizedText(c.name, locale, c.key), key: c.key }),
            })),
            ...(deadline.calendar && !directory.calendars.some((c) => c.key === deadline.calendar)
              ? [{ value: deadline.calendar, label: deadline.calendar }]
              : []),
          ]}
        />
      </Form.Item>
      <Typography.Title level={5} className="props-subtitle">
        {t('properties.deadline.ladder')}
      </Typography.Title>
      {rungs.length === 0 && (
        <Typography.Paragraph type="secondary">{t('properties.deadline.noRungs')}</Typography.Paragraph>
      )}
      <ol className="props-rungs">
        {rungs.map((rung, i) => (
          <li key={i} className="props-rung" data-testid={`rung-${i}`}>
            <Space size={4} wrap>
              <Select<'at' | 'after'>
                aria-label={t('properties.deadline.when')}
                value={rung.after !== undefined ? 'after' : 'at'}
                disabled={disabled}
                onChange={(mode) => {
                  const { at: _at, after: _after, ...rest } = rung;
                  setRung(i, mode === 'at' ? { ...rest, at: 1 } : { ...rest, after: 'PT24H' });
                }}
                options={[
                  { value: 'at', label: t('properties.deadline.atShare') },
                  { value: 'after', label: t('properties.deadline.afterDuration') },
                ]}
              />
              {rung.after === undefined ? (
                <InputNumber
                  aria-label={t('properties.deadline.percent')}
                  min={0}
                  max={1000}
                  value={Math.round((rung.at ?? 1) * 100)}
                  disabled={disabled}
                  onChange={(n) => setRung(i, { ...rung, at: (n ?? 100) / 100 })}
                  suffix={t('properties.deadline.percent')}
                  className="props-percent"
                />
              ) : (
                <DurationInput
                  label={t('properties.deadline.afterDuration')}
                  value={rung.after}
                  onChange={onChange && ((after) => setRung(i, { ...rung, after }))}
                />
              )}
            </Space>
            <Form.Item label={t('properties.deadline.action')} className="props-item">
              <Select<EscalationAction['type']>
                aria-label={t('properties.deadline.action')}
                value={rung.action.type}
                disabled={disabled}
                onChange={(type) => setRung(i, { ...rung, action: actionOfType(type, escalationEdges) })}
                options={actionTypes.map((a) => ({ value: a, label: t(`properties.deadline.actions.${a}`) }))}
              />
            </Form.Item>
            {(rung.action.type === 'notify' || rung.action.type === 'reassign') && (
              <Form.Item label={t('properties.deadline.to')} className="props-item">
                <OwnerEditor
                  value={rung.action.to}
                  onChange={
                    onChange &&
                    ((to) =>
                      setRung(i, {
                        ...rung,
                        action: { type: rung.action.type as 'notify', to: to ?? { type: 'initiator' } },
                      }))
                  }
                  directory={directory}
                  fields={fields}
                  locale={locale}
                  depth={1}
                  allowNone={false}
                  testId={`rung-${i}-owner`}
                />
              </Form.Item>
            )}
            {rung.action.type === 'leave' && (
              <Form.Item
                label={t('properties.deadline.edge')}
                className="props-item"
                extra={escalationEdges.length === 0 ? t('properties.deadline.noEscalationEdges') : undefined}
              >
                <Select<string>
                  value={rung.action.edge}
                  disabled={disabled}
                  onChange={(edge) => setRung(i, { ...rung, action: { type: 'leave', edge } })}
                  options={escalationEdges.map((e) => ({
                    value: e,
                    label: localizedText(nested(e)?.name, locale, e),
                  }))}
                />
              </Form.Item>
            )}
            {rung.action.type === 'complete' && (
              <Form.Item label={t('properties.deadline.completeOutput')} className="props-item">
                <Input.TextArea
                  className="mono"
                  rows={2}
                  disabled={disabled}
                  value={outputText[i] ?? JSON.stringify(rung.action.output)}
                  status={outputText[i] !== undefined ? 'warning' : undefined}
                  onChange={(e) => {
                    const text = e.target.value;
                    try {
                      const output = JSON.parse(text) as unknown;
                      if (output && typeof output === 'object' && !Array.isArray(output)) {
                        setOutputText(({ [i]: _, ...rest }) => rest);
                        setRung(i, {
                          ...rung,
                          action: { type: 'complete', output: output as Record<string, unknown> },
                        });
                        return;
                      }
                    } catch {
                      // Kept as text until it parses.
                    }
                    setOutputText((o) => ({ ...o, [i]: text }));
                  }}
                />
              </Form.Item>
            )}
            <Button size="small" danger disabled={disabled} onClick={() => setRung(i, undefined)}>
              {t('properties.deadline.removeRung')}
            </Button>
          </li>
        ))}
      </ol>
      <Space wrap>
        <Button
          disabled={disabled}
          data-testid="rung-add"
          onClick={() =>
            set({ escalations: [...rungs, { at: rungs.length === 0 ? 0.5 : 1, action: { type: 'remind' } }] })
          }
        >
          {t('properties.deadline.addRung')}
        </Button>
        <Button danger disabled={disabled} onClick={() => onChange?.(undefined)}>
          {t('properties.deadline.remove')}
        </Button>
      </Space>
    </div>
  );
}
