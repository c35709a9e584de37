/**
 * One task per element of a list (multi-instance, as BPMN engines call it): the list field, all
 * at once or one after another, an optional FEEL completion condition over the counters and a
 * results field. Not offered together with several signers. Read-only without `onEdit`.
 *
 * @module
 */
import type { MultiInstance, ProcessNode } from '@baton/definition';
import { AutoComplete, Checkbox, Form, Input, Radio, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../validation/problems.ts';
import { multiInstanceCounters, withMultiInstance } from './cc-multi.ts';
import { matchesOption } from './directory-options.ts';
import { FeelInput } from './FeelInput.tsx';

/** Props of {@link MultiInstanceEditor}. */
export interface MultiInstanceEditorProps {
  node: ProcessNode;
  /** Replaces the node (one undo step); read-only without it. */
  onEdit?: (update: (node: ProcessNode) => ProcessNode) => void;
  /** Declared data fields: the list field's choices. */
  fields: readonly string[];
  /** Every field a condition may read. */
  knownFields: ReadonlySet<string>;
  problems: readonly Problem[];
}

/** The multi-instance settings of a user task. */
export function MultiInstanceEditor({ node, onEdit, fields, knownFields, problems }: MultiInstanceEditorProps) {
  const { t } = useTranslation();
  const conditionFields = useMemo(() => new Set([...knownFields, ...multiInstanceCounters]), [knownFields]);
  if (node.type !== 'userTask') return null;
  const multi = node.multiInstance;
  const disabled = !onEdit;
  const set = (next: MultiInstance | undefined) => onEdit?.((n) => withMultiInstance(n, next));
  const fieldOptions = fields.map((f) => ({ value: f, label: f }));

  return (
    <div data-path="/multiInstance" data-testid="multi-instance-editor">
      <Typography.Title level={5} className="props-subtitle">
        {t('properties.multi.title')}
      </Typography.Title>
      {node.signers ? (
        <p className="props-note">{t('properties.multi.withSigners')}</p>
      ) : (
        <Checkbox
          checked={multi !== undefined}
          disabled={disabled}
          data-testid="multi-instance-enable"
          onChange={(e) => set(e.target.checked ? { collection: multi?.collection ?? fields[0] ?? '' } : undefined)}
        >
          {t('properties.multi.enable')}
        </Checkbox>
      )}
      {multi && (
        <>
          <div data-path="/multiInstance/collection">
            <Form.Item
              label={t('properties.multi.collection')}
              extra={t('properties.multi.collectionHint')}
              className="props-item"
            >
              <AutoComplete
                aria-label={t('properties.multi.collection')}
                data-testid="multi-instance-collection"
                value={multi.collection}
                options={fieldOptions}
                filterOption={matchesOption}
                disabled={disabled}
                onChange={(collection: string) => set({ ...multi, collection })}
              />
            </Form.Item>
          </div>
          <Form.Item label={t('properties.multi.order')} className="props-item">
            <Radio.Group
              value={multi.sequential ? 'sequential' : 'parallel'}
              disabled={disabled}
              onChange={(e) => set({ ...multi, sequential: e.target.value === 'sequential' })}
              options={(['parallel', 'sequential'] as const).map((o) => ({
                value: o,
                label: t(`properties.multi.orders.${o}`),
              }))}
            />
          </Form.Item>
          <div data-path="/multiInstance/completionCondition">
            <Form.Item
              label={t('properties.multi.condition')}
              extra={t('properties.multi.conditionHint')}
              className="props-item"
            >
              <FeelInput
                aria-label={t('properties.multi.condition')}
                value={multi.completionCondition ?? ''}
                knownFields={conditionFields}
                problems={problems.filter((p) => p.field.startsWith('/multiInstance/completionCondition'))}
                onChange={onEdit && ((completionCondition) => set({ ...multi, completionCondition }))}
              />
            </Form.Item>
          </div>
          <div data-path="/multiInstance/resultField">
            <Form.Item
              label={t('properties.multi.resultField')}
              extra={t('properties.multi.resultFieldHint')}
              className="props-item"
            >
              <Input
                className="mono"
                aria-label={t('properties.multi.resultField')}
                data-testid="multi-instance-result-field"
                value={multi.resultField ?? ''}
                disabled={disabled}
                onChange={(e) => set({ ...multi, resultField: e.target.value })}
              />
            </Form.Item>
          </div>
        </>
      )}
    </div>
  );
}
