/**
 * A form generated from a JSON Schema object (a task's `outputs`, a process's start data), in
 * antd's look: one field per property, labelled with its bilingual title in the current
 * language; nested objects as groups. Controlled: the values live with the page, so nothing typed
 * is lost when the browser or the server finds a problem; problems show on the fields their JSON
 * Pointers name. Labels and values render as text, never HTML.
 *
 * @module
 */
import { DatePicker, Form, Input, InputNumber, Radio, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { useMemo } from 'react';
import { type FormValues, fieldPointers, getAt, labelOf, pointerOf, setAt } from './form-values.ts';

/** A problem shown on a field: its pointer and the words to show. */
export interface FieldProblem {
  path: string;
  text: string;
}

/** Props of {@link SchemaForm}. */
export interface SchemaFormProps {
  schema: Record<string, unknown>;
  values: FormValues;
  onChange: (values: FormValues) => void;
  problems: readonly FieldProblem[];
  /** Prefix of the inputs' ids (several forms on a page). */
  idPrefix: string;
  disabled?: boolean;
}

type Props = Record<string, unknown>;

function Field({
  name,
  schema,
  path,
  required,
  form,
}: {
  name: string;
  schema: Props;
  path: string[];
  required: boolean;
  form: SchemaFormProps;
}) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const label = labelOf(schema, name, locale);
  const pointer = pointerOf(path);
  const id = `${form.idPrefix}${pointer.replace(/\//g, '-')}`;
  const value = getAt(form.values, path);
  const set = (v: unknown) => form.onChange(setAt(form.values, path, v));
  const own = form.problems.filter((p) => p.path === pointer);
  const help = own.length > 0 ? own.map((p) => p.text).join(' ') : undefined;
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((x) => x !== 'null') : schema.type;

  if (type === 'object' && typeof schema.properties === 'object' && schema.properties !== null) {
    return (
      <fieldset className="schema-group" data-field={pointer}>
        <legend>
          {label}
          {required && <span className="schema-required"> *</span>}
        </legend>
        {help !== undefined && <div className="ant-form-item-explain-error">{help}</div>}
        <Fields schema={schema} path={path} form={form} />
      </fieldset>
    );
  }

  let control: React.ReactNode;
  const common = { id, disabled: form.disabled, 'aria-invalid': own.length > 0 ? true : undefined };
  if (Array.isArray(schema.enum)) {
    const options = (schema.enum as unknown[]).map((v) => ({ value: String(v), label: String(v) }));
    control = (
      <Select
        {...common}
        allowClear
        value={typeof value === 'string' || typeof value === 'number' ? String(value) : undefined}
        options={options}
        placeholder={t('start.form.choose')}
        onChange={(v: string | undefined) =>
          set(v === undefined ? undefined : ((schema.enum as unknown[]).find((e) => String(e) === v) ?? v))
        }
      />
    );
  } else if (type === 'boolean') {
    control = (
      <Radio.Group
        {...common}
        value={value}
        optionType="button"
        options={[
          { value: true, label: t('start.form.yes') },
          { value: false, label: t('start.form.no') },
        ]}
        onChange={(e) => set(e.target.value as boolean)}
      />
    );
  } else if (type === 'number' || type === 'integer') {
    control = (
      <InputNumber
        {...common}
        className="schema-number"
        value={typeof value === 'number' ? value : null}
        precision={type === 'integer' ? 0 : undefined}
        prefix={schema['x-kind'] === 'money' ? '¥' : undefined}
        inputMode="decimal"
        onChange={(v) => set(v ?? undefined)}
      />
    );
  } else if (type === 'string' && (schema.format === 'date' || schema.format === 'date-time')) {
    const withTime = schema.format === 'date-time';
    control = (
      <DatePicker
        {...common}
        showTime={withTime}
        value={typeof value === 'string' && dayjs(value).isValid() ? dayjs(value) : null}
        onChange={(d) => set(d ? (withTime ? d.format('YYYY-MM-DDTHH:mm:ssZ') : d.format('YYYY-MM-DD')) : undefined)}
      />
    );
  } else if (type === 'string') {
    const long = typeof schema.maxLength !== 'number' || schema.maxLength > 200;
    control =
      long && /comment|note|opinion|plan|remark|意见|记录|计划/i.test(`${name} ${label}`) ? (
        <Input.TextArea
          {...common}
          rows={3}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => set(e.target.value)}
        />
      ) : (
        <Input {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => set(e.target.value)} />
      );
  } else {
    // Arrays and anything else: JSON text, kept as typed until it parses.
    control = (
      <Input.TextArea
        {...common}
        rows={3}
        placeholder={t('start.form.json')}
        defaultValue={value === undefined ? '' : JSON.stringify(value)}
        onChange={(e) => {
          try {
            set(e.target.value.trim() === '' ? undefined : (JSON.parse(e.target.value) as unknown));
          } catch {
            // Not JSON yet: keep what is shown; the value stays the last one that parsed.
          }
        }}
      />
    );
  }
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={required}
      validateStatus={own.length > 0 ? 'error' : undefined}
      help={help}
      extra={description}
      data-field={pointer}
    >
      {control}
    </Form.Item>
  );
}

function Fields({ schema, path, form }: { schema: Props; path: string[]; form: SchemaFormProps }) {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return (
    <>
      {Object.entries(properties).map(([name, sub]) =>
        typeof sub === 'object' && sub !== null ? (
          <Field
            key={name}
            name={name}
            schema={sub as Props}
            path={[...path, name]}
            required={required.has(name)}
            form={form}
          />
        ) : null,
      )}
    </>
  );
}

/** The form of a JSON Schema object (see the module comment). */
export function SchemaForm(props: SchemaFormProps) {
  const known = useMemo(() => new Set(fieldPointers(props.schema)), [props.schema]);
  const whole = props.problems.filter((p) => !known.has(p.path));
  return (
    <Form layout="vertical" component="div" className="schema-form">
      {whole.length > 0 && (
        <div className="ant-form-item-explain-error schema-form-problems" role="alert">
          {whole.map((p) => p.text).join(' ')}
        </div>
      )}
      <Fields schema={props.schema} path={[]} form={props} />
    </Form>
  );
}
