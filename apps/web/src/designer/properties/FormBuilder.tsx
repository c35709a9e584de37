/**
 * The task form of a step: per-field permissions (read / edit / hidden) over every field the
 * process declares, a field builder (text, number, money, date, choice, user, yes/no; required;
 * titles in Chinese and English) and a raw JSON Schema editor. Writes the node's `outputs` and
 * `inputs`.
 *
 * @module
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import type { DataSchema, ProcessDefinition, ProcessNode } from '@baton/definition';
import { Alert, Button, Checkbox, Input, Radio, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../validation/problems.ts';
import { declaredFields, fieldPermission, type FieldPermission } from './edits.ts';
import { formFieldKinds, newFormField, toFormFields, toFormSchema, type FormField } from './form-schema.ts';
import { ProblemLines } from './ProblemLines.tsx';

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Props of {@link FormBuilder}. */
export interface FormBuilderProps {
  definition: ProcessDefinition;
  node: ProcessNode;
  /** Replaces the node's form (`undefined`: no form). */
  onOutputs?: (outputs: DataSchema | undefined) => void;
  /** Sets the node's permission on a field. */
  onPermission?: (field: string, permission: FieldPermission) => void;
  problems?: readonly Problem[];
}

/** The form tab of a step. */
export function FormBuilder({ definition, node, onOutputs, onPermission, problems = [] }: FormBuilderProps) {
  const { t } = useTranslation();
  const fields = useMemo(() => toFormFields(node.outputs), [node.outputs]);
  const others = useMemo(
    () => declaredFields(definition).filter((f) => !(node.outputs?.properties && f.name in node.outputs.properties)),
    [definition, node.outputs],
  );
  const [raw, setRaw] = useState<string | undefined>(undefined);
  const [rawError, setRawError] = useState<string | undefined>(undefined);
  const editable = !!onOutputs;
  const write = (next: FormField[]) => onOutputs?.(toFormSchema(next, node.outputs));
  const update = (i: number, patch: Partial<FormField>) =>
    write(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    write(next);
  };

  const applyRaw = () => {
    try {
      const parsed = JSON.parse(raw ?? '') as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || (parsed as DataSchema).type !== 'object') {
        setRawError(t('properties.form.rawNotObject'));
        return;
      }
      onOutputs?.(parsed as DataSchema);
      setRaw(undefined);
      setRawError(undefined);
    } catch (e) {
      setRawError(t('properties.form.rawInvalidJson', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  return (
    <div className="props-form" data-path="/outputs">
      <Typography.Title level={5} className="props-subtitle">
        {t('properties.form.builder')}
      </Typography.Title>
      <ProblemLines problems={problems} />
      {fields.length === 0 && (
        <Typography.Paragraph type="secondary">{t('properties.form.empty')}</Typography.Paragraph>
      )}
      {fields.map((f, i) => {
        const duplicate = fields.some((o, j) => j !== i && o.name === f.name);
        const nameError = !identifier.test(f.name)
          ? t('properties.form.badName')
          : duplicate
            ? t('properties.form.duplicateName')
            : undefined;
        return (
          <div className="props-field" key={i} data-testid={`form-field-${i}`}>
            <Space.Compact block>
              <Input
                aria-label={t('properties.form.fieldName')}
                className="mono"
                value={f.name}
                disabled={!editable}
                status={nameError ? 'error' : undefined}
                onChange={(e) => update(i, { name: e.target.value })}
              />
              <Select
                aria-label={t('properties.form.fieldKind')}
                className="props-kind-select"
                value={f.kind}
                disabled={!editable}
                onChange={(kind) =>
                  update(i, { kind, options: kind === 'select' ? (f.options.length ? f.options : ['A', 'B']) : [] })
                }
                options={formFieldKinds
                  .filter((k) => k !== 'custom' || f.kind === 'custom')
                  .map((k) => ({ value: k, label: t(`properties.form.kinds.${k}`) }))}
              />
            </Space.Compact>
            {nameError && <Typography.Text type="danger">{nameError}</Typography.Text>}
            <Space.Compact block>
              <Input
                aria-label={t('properties.form.titleZh')}
                placeholder={t('properties.form.titleZh')}
                value={f.title['zh-CN'] ?? ''}
                disabled={!editable}
                onChange={(e) => update(i, { title: { ...f.title, 'zh-CN': e.target.value } })}
              />
              <Input
                aria-label={t('properties.form.titleEn')}
                placeholder={t('properties.form.titleEn')}
                value={f.title.en ?? ''}
                disabled={!editable}
                onChange={(e) => update(i, { title: { ...f.title, en: e.target.value } })}
              />
            </Space.Compact>
            {f.kind === 'select' && (
              <Select
                mode="tags"
                aria-label={t('properties.form.options')}
                placeholder={t('properties.form.optionsPlaceholder')}
                value={f.options}
                disabled={!editable}
                onChange={(options: string[]) => update(i, { options })}
                className="props-options"
              />
            )}
            {f.kind === 'custom' && (
              <Typography.Text type="secondary">{t('properties.form.customHint')}</Typography.Text>
            )}
            <Space size={4} wrap>
              <Checkbox
                checked={f.required}
                disabled={!editable}
                onChange={(e) => update(i, { required: e.target.checked })}
              >
                {t('properties.form.required')}
              </Checkbox>
              <Button
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                aria-label={t('properties.form.moveUp')}
                title={t('properties.form.moveUp')}
                disabled={!editable || i === 0}
                onClick={() => move(i, -1)}
              />
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                aria-label={t('properties.form.moveDown')}
                title={t('properties.form.moveDown')}
                disabled={!editable || i === fields.length - 1}
                onClick={() => move(i, 1)}
              />
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('properties.form.remove')}
                title={t('properties.form.remove')}
                disabled={!editable}
                onClick={() => write(fields.filter((_, j) => j !== i))}
              />
            </Space>
          </div>
        );
      })}
      <Space wrap className="props-actions">
        <Select
          data-testid="form-add"
          placeholder={t('properties.form.add')}
          value={null}
          disabled={!editable}
          className="props-add-select"
          onChange={(kind: FormField['kind']) =>
            write([
              ...fields,
              newFormField(
                kind,
                fields.map((f) => f.name),
              ),
            ])
          }
          options={formFieldKinds
            .filter((k) => k !== 'custom')
            .map((k) => ({ value: k, label: t(`properties.form.kinds.${k}`) }))}
        />
        <Button
          disabled={!editable}
          onClick={() => setRaw(JSON.stringify(node.outputs ?? { type: 'object', properties: {} }, null, 2))}
        >
          {t('properties.form.rawEdit')}
        </Button>
      </Space>
      {raw !== undefined && (
        <div className="props-raw">
          <Input.TextArea
            aria-label={t('properties.form.raw')}
            className="mono"
            rows={6}
            value={raw}
            spellCheck={false}
            onChange={(e) => setRaw(e.target.value)}
          />
          {rawError && <Alert type="error" showIcon title={rawError} />}
          <Space>
            <Button type="primary" onClick={applyRaw}>
              {t('properties.form.rawApply')}
            </Button>
            <Button
              onClick={() => {
                setRaw(undefined);
                setRawError(undefined);
              }}
            >
              {t('properties.form.rawCancel')}
            </Button>
          </Space>
        </div>
      )}
      <Typography.Title level={5} className="props-subtitle">
        {t('properties.form.shown')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="props-hint">
        {t('properties.form.shownHint')}
      </Typography.Paragraph>
      {others.length === 0 && fields.length === 0 && (
        <Typography.Paragraph type="secondary">{t('properties.form.noFields')}</Typography.Paragraph>
      )}
      <div data-path="/inputs">
        {[...fields.map((f) => f.name), ...others.map((f) => f.name)].map((name) => (
          <div className="props-permission" key={name} data-testid={`permission-${name}`}>
            <span className="mono props-permission-name">{name}</span>
            <Radio.Group
              size="small"
              optionType="button"
              value={fieldPermission(node, name)}
              disabled={!onPermission}
              onChange={(e) => onPermission?.(name, e.target.value as FieldPermission)}
              options={(['read', 'edit', 'hidden'] as const).map((p) => ({
                value: p,
                label: t(`properties.form.permission.${p}`),
              }))}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
