/**
 * The settings of steps that run without a person: an automatic task (call a web service, run a
 * named action, compute fields; retries; the result field), a timer (a length of time or a FEEL
 * date), a business event (its name and result field).
 *
 * @module
 */
import type { AutomaticAction, ProcessNode, RetryPolicy } from '@baton/definition';
import { Button, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DurationInput } from './DeadlineEditor.tsx';
import { FeelInput } from './FeelInput.tsx';

/** Props of {@link AutomaticEditor}. */
export interface AutomaticEditorProps {
  node: ProcessNode;
  /** Replaces the node (the caller records it as one edit with `label`). */
  onChange?: (node: ProcessNode, label: 'action' | 'retry' | 'resultField' | 'timer' | 'event') => void;
  knownFields: ReadonlySet<string>;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function actionOfKind(kind: AutomaticAction['kind']): AutomaticAction {
  if (kind === 'http') return { kind, method: 'POST', url: 'https://' };
  if (kind === 'action') return { kind, name: '' };
  return { kind, set: {} };
}

/** The settings tab of automatic tasks, timers and events. */
export function AutomaticEditor({ node, onChange, knownFields }: AutomaticEditorProps) {
  const { t } = useTranslation();
  const disabled = !onChange;
  const [paramsText, setParamsText] = useState<string | undefined>(undefined);
  const resultField = (value: string | undefined, set: (v: string | undefined) => void) => (
    <Form.Item label={t('properties.automatic.resultField')} className="props-item">
      <Input
        className="mono"
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => set(e.target.value === '' ? undefined : e.target.value)}
      />
    </Form.Item>
  );

  if (node.type === 'timer') {
    const isDate = 'date' in node.timer;
    return (
      <div data-path="/timer">
        <Form.Item label={t('properties.automatic.timerMode')} className="props-item">
          <Radio.Group
            value={isDate ? 'date' : 'span'}
            disabled={disabled}
            onChange={(e) =>
              onChange?.(
                { ...node, timer: e.target.value === 'date' ? { date: 'now + duration("P1D")' } : { duration: 'P1D' } },
                'timer',
              )
            }
            options={[
              { value: 'span', label: t('properties.automatic.timerModes.span') },
              { value: 'date', label: t('properties.automatic.timerModes.date') },
            ]}
          />
        </Form.Item>
        {'date' in node.timer ? (
          <Form.Item label={t('properties.automatic.timerDate')} className="props-item">
            <FeelInput
              value={node.timer.date}
              knownFields={knownFields}
              onChange={onChange && ((date) => onChange({ ...node, timer: { date } }, 'timer'))}
            />
          </Form.Item>
        ) : (
          <Form.Item label={t('properties.automatic.timerDuration')} className="props-item">
            <DurationInput
              label={t('properties.automatic.timerDuration')}
              value={node.timer.duration}
              onChange={
                onChange &&
                ((duration) =>
                  onChange({ ...node, timer: { ...(node.timer as { duration: string }), duration } }, 'timer'))
              }
            />
          </Form.Item>
        )}
      </div>
    );
  }
  if (node.type === 'event')
    return (
      <div data-path="/event">
        <Form.Item label={t('properties.automatic.event')} className="props-item">
          <Input
            className="mono"
            value={node.event}
            disabled={disabled}
            onChange={(e) => onChange?.({ ...node, event: e.target.value }, 'event')}
          />
        </Form.Item>
        {resultField(node.resultField, (v) => {
          const { resultField: _r, ...rest } = node;
          onChange?.(v === undefined ? rest : { ...rest, resultField: v }, 'resultField');
        })}
      </div>
    );
  if (node.type !== 'automaticTask') return null;

  const action = node.action;
  const setAction = (next: AutomaticAction) => onChange?.({ ...node, action: next }, 'action');
  const retry = node.retry ?? {};
  const setRetry = (patch: Partial<RetryPolicy>) => {
    const next: RetryPolicy = { ...retry, ...patch };
    for (const key of Object.keys(patch) as (keyof RetryPolicy)[]) if (patch[key] === undefined) delete next[key];
    const { retry: _r, ...rest } = node;
    onChange?.(Object.keys(next).length > 0 ? { ...rest, retry: next } : rest, 'retry');
  };
  const set = action.kind === 'compute' ? Object.entries(action.set ?? {}) : [];

  return (
    <div className="props-automatic" data-path="/action">
      <Form.Item label={t('properties.automatic.kind')} className="props-item">
        <Select<AutomaticAction['kind']>
          value={action.kind}
          disabled={disabled}
          onChange={(kind) => setAction(actionOfKind(kind))}
          options={(['http', 'action', 'compute'] as const).map((k) => ({
            value: k,
            label: t(`properties.automatic.kinds.${k}`),
          }))}
        />
      </Form.Item>
      {action.kind === 'http' && (
        <>
          <Form.Item label={t('properties.automatic.url')} className="props-item">
            <Space.Compact block>
              <Select
                aria-label={t('properties.automatic.method')}
                value={action.method}
                disabled={disabled}
                onChange={(method) => setAction({ ...action, method })}
                options={methods.map((m) => ({ value: m, label: m }))}
                className="props-method"
              />
              <Input
                aria-label={t('properties.automatic.url')}
                className="mono"
                value={action.url}
                disabled={disabled}
                onChange={(e) => setAction({ ...action, url: e.target.value })}
              />
            </Space.Compact>
          </Form.Item>
          <Form.Item label={t('properties.automatic.body')} className="props-item">
            <FeelInput
              value={action.body ?? ''}
              knownFields={knownFields}
              onChange={
                onChange &&
                ((body) => {
                  const { body: _b, ...rest } = action;
                  setAction(body.trim() === '' ? rest : { ...rest, body });
                })
              }
            />
          </Form.Item>
        </>
      )}
      {action.kind === 'action' && (
        <>
          <Form.Item label={t('properties.automatic.name')} className="props-item">
            <Input
              className="mono"
              value={action.name}
              disabled={disabled}
              onChange={(e) => setAction({ ...action, name: e.target.value })}
            />
          </Form.Item>
          <Form.Item
            label={t('properties.automatic.params')}
            className="props-item"
            extra={paramsText !== undefined ? t('properties.automatic.invalidJson') : undefined}
          >
            <Input.TextArea
              className="mono"
              rows={2}
              disabled={disabled}
              status={paramsText !== undefined ? 'warning' : undefined}
              value={paramsText ?? JSON.stringify(action.params ?? {})}
              onChange={(e) => {
                try {
                  const params = JSON.parse(e.target.value) as unknown;
                  if (params && typeof params === 'object' && !Array.isArray(params)) {
                    setParamsText(undefined);
                    const { params: _p, ...rest } = action;
                    setAction(
                      Object.keys(params).length > 0 ? { ...rest, params: params as Record<string, unknown> } : rest,
                    );
                    return;
                  }
                } catch {
                  // Kept as text until it parses.
                }
                setParamsText(e.target.value);
              }}
            />
          </Form.Item>
        </>
      )}
      {action.kind === 'compute' && (
        <div className="props-compute">
          <Typography.Text strong>{t('properties.automatic.set')}</Typography.Text>
          {set.map(([field, expr], i) => (
            <div key={i} className="props-field">
              <Input
                aria-label={t('properties.automatic.setField')}
                className="mono"
                value={field}
                disabled={disabled}
                onChange={(e) =>
                  setAction({
                    kind: 'compute',
                    set: Object.fromEntries(set.map(([f, x], j) => [j === i ? e.target.value : f, x])),
                  })
                }
              />
              <FeelInput
                aria-label={t('properties.automatic.setExpression')}
                value={expr}
                knownFields={knownFields}
                onChange={
                  onChange &&
                  ((value) =>
                    setAction({
                      kind: 'compute',
                      set: Object.fromEntries(set.map(([f, x], j) => [f, j === i ? value : x])),
                    }))
                }
              />
            </div>
          ))}
          <Button
            size="small"
            disabled={disabled}
            onClick={() => {
              let n = set.length + 1;
              while (set.some(([f]) => f === `result${n}`)) n++;
              setAction({ kind: 'compute', set: { ...Object.fromEntries(set), [`result${n}`]: '0' } });
            }}
          >
            {t('properties.automatic.addSet')}
          </Button>
        </div>
      )}
      {action.kind !== 'compute' &&
        resultField(node.resultField, (v) => {
          const { resultField: _r, ...rest } = node;
          onChange?.(v === undefined ? rest : { ...rest, resultField: v }, 'resultField');
        })}
      {action.kind !== 'compute' && (
        <>
          <Typography.Title level={5} className="props-subtitle">
            {t('properties.automatic.retries')}
          </Typography.Title>
          <Space wrap>
            <Form.Item label={t('properties.automatic.maxAttempts')} className="props-item">
              <InputNumber
                min={1}
                max={100}
                placeholder="3"
                value={retry.maxAttempts ?? null}
                disabled={disabled}
                onChange={(n) => setRetry({ maxAttempts: n ?? undefined })}
              />
            </Form.Item>
            <Form.Item label={t('properties.automatic.factor')} className="props-item">
              <InputNumber
                min={1}
                max={10}
                placeholder="2"
                value={retry.factor ?? null}
                disabled={disabled}
                onChange={(n) => setRetry({ factor: n ?? undefined })}
              />
            </Form.Item>
          </Space>
          <Form.Item label={t('properties.automatic.backoff')} className="props-item">
            <DurationInput
              label={t('properties.automatic.backoff')}
              value={retry.backoff ?? 'PT10S'}
              onChange={onChange && ((backoff) => setRetry({ backoff }))}
            />
          </Form.Item>
        </>
      )}
    </div>
  );
}
