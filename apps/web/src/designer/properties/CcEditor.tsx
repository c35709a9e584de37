/**
 * 抄送: who gets a read-only copy of the instance when a user task starts or is done, edited as
 * the node's `cc` rules (users, roles, teams, the initiator). Read-only without `onEdit`.
 *
 * @module
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { CcRule, ProcessNode } from '@baton/definition';
import { Button, Checkbox, Form, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { ccRuleIsEmpty, newCcRule, withCcInitiator, withCcList, withCcRules, type CcList } from './cc-multi.ts';
import { directoryOptions } from './directory-options.ts';
import type { Directory } from './use-directory.ts';

/** Props of {@link CcEditor}. */
export interface CcEditorProps {
  node: ProcessNode;
  /** Replaces the node (one undo step); read-only without it. */
  onEdit?: (update: (node: ProcessNode) => ProcessNode) => void;
  directory: Directory;
  locale: Language;
}

/** The cc rules of a user task. */
export function CcEditor({ node, onEdit, directory, locale }: CcEditorProps) {
  const { t } = useTranslation();
  if (node.type !== 'userTask') return null;
  const rules = node.cc ?? [];
  const disabled = !onEdit;
  const options = directoryOptions(directory, [], locale, t);
  const setRules = (next: CcRule[]) => onEdit?.((n) => withCcRules(n, next));
  const setRule = (i: number, rule: CcRule) => setRules(rules.map((r, j) => (j === i ? rule : r)));
  const lists: Array<{ list: CcList; label: string; choices: typeof options.users }> = [
    { list: 'users', label: t('properties.cc.users'), choices: options.users },
    { list: 'roles', label: t('properties.cc.roles'), choices: options.roles },
    { list: 'teams', label: t('properties.cc.teams'), choices: options.teams },
  ];

  return (
    <div data-path="/cc" data-testid="cc-editor">
      <Typography.Title level={5} className="props-subtitle">
        {t('properties.cc.title')}
      </Typography.Title>
      <p className="props-note">{rules.length === 0 ? t('properties.cc.empty') : t('properties.cc.hint')}</p>
      {rules.map((rule, i) => (
        <div className="props-fallback" key={i} data-path={`/cc/${i}`} data-testid={`cc-rule-${i}`}>
          <Form.Item label={t('properties.cc.when')} className="props-item">
            <Select
              aria-label={t('properties.cc.when')}
              data-testid={`cc-rule-${i}-when`}
              value={rule.when}
              disabled={disabled}
              onChange={(when: CcRule['when']) => setRule(i, { ...rule, when })}
              options={(['activated', 'completed'] as const).map((w) => ({
                value: w,
                label: t(`properties.cc.whens.${w}`),
              }))}
            />
          </Form.Item>
          {lists.map(({ list, label, choices }) => (
            <Form.Item label={label} className="props-item" key={list}>
              <Select
                mode="tags"
                aria-label={label}
                data-testid={`cc-rule-${i}-${list}`}
                placeholder={label}
                value={rule[list] ?? []}
                options={choices}
                filterOption={options.filter}
                disabled={disabled}
                onChange={(values: string[]) => setRule(i, withCcList(rule, list, values))}
              />
            </Form.Item>
          ))}
          <Checkbox
            checked={rule.initiator === true}
            disabled={disabled}
            onChange={(e) => setRule(i, withCcInitiator(rule, e.target.checked))}
          >
            {t('properties.cc.initiator')}
          </Checkbox>
          {ccRuleIsEmpty(rule) && <p className="props-note props-warning">{t('properties.cc.nobody')}</p>}
          {!disabled && (
            <Button
              type="text"
              danger
              size="small"
              icon={<DeleteOutlined />}
              onClick={() => setRules(rules.filter((_, j) => j !== i))}
            >
              {t('properties.cc.remove')}
            </Button>
          )}
        </div>
      ))}
      {!disabled && (
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid="cc-add"
          onClick={() => setRules([...rules, newCcRule()])}
        >
          {t('properties.cc.add')}
        </Button>
      )}
    </div>
  );
}
