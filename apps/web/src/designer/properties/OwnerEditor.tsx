/**
 * The owner of a step in plain words: who does it (every owner type of the definition format),
 * with pickers fed by the server's users, roles and teams, the fields for "from a field" and "by
 * a field's value", and the fallback when nobody is available. Nested owners (the values of "by
 * a field", the fallback) use the same editor.
 *
 * @module
 */
import { ownerTypes, type Owner, type OwnerType } from '@baton/definition';
import { AutoComplete, Button, Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { directoryOptions } from './directory-options.ts';
import type { Directory } from './use-directory.ts';

/** Props of {@link OwnerEditor}. */
export interface OwnerEditorProps {
  value: Owner | undefined;
  onChange?: (owner: Owner | undefined) => void;
  directory: Directory;
  /** Field names forms and data declare (for "from a field" / "by a field"). */
  fields: readonly string[];
  locale: Language;
  /** Nesting depth (nested owners get no further fallback beyond depth 2). @default 0 */
  depth?: number;
  /** Whether "nobody" may be chosen. @default true */
  allowNone?: boolean;
  /** The test id prefix of the inputs. @default "owner" */
  testId?: string;
}

/** A fresh owner of `type`, keeping the fallback and what carries over (a role). */
function ownerOfType(type: OwnerType, previous: Owner | undefined): Owner {
  const fallback = previous?.fallback ? { fallback: previous.fallback } : {};
  const role = previous && 'role' in previous ? previous.role : '';
  switch (type) {
    case 'user':
      return { type, user: '', ...fallback };
    case 'role':
      return { type, role, ...fallback };
    case 'team':
      return { type, team: '', ...fallback };
    case 'initiator':
      return { type, ...fallback };
    case 'fromField':
      return { type, field: '', ...fallback };
    case 'roundRobin':
    case 'leastLoaded':
      return { type, role, ...fallback };
    case 'byField':
      return { type, field: '', map: {}, ...fallback };
    case 'managerOf':
      return { type, of: 'initiator', ...fallback };
  }
}

/** The owner picker; read-only without `onChange`. */
export function OwnerEditor({
  value,
  onChange,
  directory,
  fields,
  locale,
  depth = 0,
  allowNone = true,
  testId = 'owner',
}: OwnerEditorProps) {
  const { t } = useTranslation();
  const disabled = !onChange;
  const set = (owner: Owner | undefined) => onChange?.(owner);
  const {
    users: userOptions,
    roles: roleOptions,
    teams: teamOptions,
    fields: fieldOptions,
    filter,
  } = directoryOptions(directory, fields, locale, t);
  const picker = (
    label: string,
    text: string,
    options: { value: string; label: string }[],
    onText: (text: string) => void,
    key: string,
  ) => (
    <Form.Item label={label} key={key} className="props-item">
      <AutoComplete
        data-testid={`${testId}-${key}`}
        aria-label={label}
        value={text}
        options={options}
        filterOption={filter}
        disabled={disabled}
        placeholder={t('properties.owner.pickPlaceholder')}
        onChange={(v: string) => onText(v)}
      />
    </Form.Item>
  );

  const details: React.ReactNode[] = [];
  if (value) {
    switch (value.type) {
      case 'user':
        details.push(
          picker(t('properties.owner.user'), value.user, userOptions, (user) => set({ ...value, user }), 'user'),
        );
        break;
      case 'role':
        details.push(
          picker(t('properties.owner.role'), value.role, roleOptions, (role) => set({ ...value, role }), 'role'),
        );
        break;
      case 'team':
        details.push(
          picker(t('properties.owner.team'), value.team, teamOptions, (team) => set({ ...value, team }), 'team'),
        );
        break;
      case 'fromField':
        details.push(
          picker(t('properties.owner.field'), value.field, fieldOptions, (field) => set({ ...value, field }), 'field'),
        );
        break;
      case 'roundRobin':
      case 'leastLoaded':
        details.push(
          picker(t('properties.owner.role'), value.role, roleOptions, (role) => set({ ...value, role }), 'role'),
          picker(
            t('properties.owner.teamOptional'),
            value.team ?? '',
            teamOptions,
            (team) => {
              const { team: _previous, ...rest } = value;
              set(team === '' ? rest : { ...rest, team });
            },
            'team',
          ),
        );
        break;
      case 'managerOf':
        details.push(
          <Form.Item label={t('properties.owner.managerOf')} key="of" className="props-item">
            <Select
              aria-label={t('properties.owner.managerOf')}
              value={value.of}
              disabled={disabled}
              onChange={(of) => set({ ...value, of })}
              options={[
                { value: 'initiator', label: t('properties.owner.managerOfInitiator') },
                { value: 'previousAssignee', label: t('properties.owner.managerOfPrevious') },
              ]}
            />
          </Form.Item>,
        );
        break;
      case 'byField': {
        const entries = Object.entries(value.map);
        details.push(
          picker(t('properties.owner.field'), value.field, fieldOptions, (field) => set({ ...value, field }), 'field'),
          ...entries.map(([key, sub], i) => (
            <div className="props-nested" key={`map-${i}`}>
              <Form.Item label={t('properties.owner.mapValue')} className="props-item">
                <Space.Compact block>
                  <Input
                    aria-label={t('properties.owner.mapValue')}
                    value={key}
                    disabled={disabled}
                    onChange={(e) => {
                      const map = Object.fromEntries(entries.map(([k, o], j) => [j === i ? e.target.value : k, o]));
                      set({ ...value, map });
                    }}
                  />
                  <Button
                    disabled={disabled}
                    onClick={() => set({ ...value, map: Object.fromEntries(entries.filter((_, j) => j !== i)) })}
                  >
                    {t('properties.owner.removeMapEntry')}
                  </Button>
                </Space.Compact>
              </Form.Item>
              <OwnerEditor
                value={sub}
                onChange={
                  onChange &&
                  ((o) =>
                    set({
                      ...value,
                      map: Object.fromEntries(
                        entries.map(([k, old]) => [k, k === key ? (o ?? { type: 'initiator' }) : old]),
                      ),
                    }))
                }
                directory={directory}
                fields={fields}
                locale={locale}
                depth={depth + 1}
                allowNone={false}
                testId={`${testId}-map-${i}`}
              />
            </div>
          )),
          <Button
            key="add"
            size="small"
            disabled={disabled}
            onClick={() => {
              let n = entries.length + 1;
              while (`value${n}` in value.map) n++;
              set({ ...value, map: { ...value.map, [`value${n}`]: { type: 'initiator' } } });
            }}
          >
            {t('properties.owner.addMapEntry')}
          </Button>,
          <div className="props-nested" key="default">
            <Form.Item label={t('properties.owner.mapDefault')} className="props-item">
              <OwnerEditor
                value={value.default}
                onChange={
                  onChange &&
                  ((o) => {
                    const next = { ...value };
                    if (o) next.default = o;
                    else delete next.default;
                    set(next);
                  })
                }
                directory={directory}
                fields={fields}
                locale={locale}
                depth={depth + 1}
                testId={`${testId}-default`}
              />
            </Form.Item>
          </div>,
        );
        break;
      }
      case 'initiator':
        break;
    }
  }

  return (
    <div className="props-owner" data-testid={testId}>
      <Form.Item label={depth === 0 ? t('properties.owner.strategy') : undefined} className="props-item">
        <Select<OwnerType | 'none'>
          data-testid={`${testId}-type`}
          aria-label={t('properties.owner.strategy')}
          // Ten choices: all of them shown at once, none hidden behind a scroll.
          virtual={false}
          listHeight={400}
          value={value?.type ?? 'none'}
          disabled={disabled}
          onChange={(type) => set(type === 'none' ? undefined : ownerOfType(type, value))}
          options={[
            ...(allowNone ? [{ value: 'none' as const, label: t('properties.owner.none') }] : []),
            ...ownerTypes.map((type) => ({ value: type, label: t(`properties.owner.types.${type}`) })),
          ]}
        />
      </Form.Item>
      {details}
      {value && depth < 2 && (
        <div className="props-fallback">
          {value.fallback ? (
            <div className="props-nested">
              <Form.Item label={t('properties.owner.fallback')} className="props-item">
                <OwnerEditor
                  value={value.fallback}
                  onChange={
                    onChange &&
                    ((o) => {
                      const next = { ...value };
                      if (o) next.fallback = o;
                      else delete next.fallback;
                      set(next);
                    })
                  }
                  directory={directory}
                  fields={fields}
                  locale={locale}
                  depth={depth + 1}
                  testId={`${testId}-fallback`}
                />
              </Form.Item>
            </div>
          ) : (
            <Button
              size="small"
              disabled={disabled}
              data-testid={`${testId}-add-fallback`}
              onClick={() => set({ ...value, fallback: { type: 'initiator' } })}
            >
              {t('properties.owner.addFallback')}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
