/**
 * Several signers (会签 / 或签 / 依次 / threshold) of a user task, edited as the definition's
 * `Signers`: where the signers come from, how they decide, what a rejection does, what happens
 * when nobody is found (with a fallback owner), 去重, and the result field a gateway branches on.
 * Read-only without `onEdit` or while the definition schema has no `signers`.
 *
 * @module
 */
import type { ProcessNode, SignerSource, Signers } from '@baton/definition';
import { Alert, AutoComplete, Button, Checkbox, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { OwnerEditor } from './OwnerEditor.tsx';
import {
  disableSigners,
  enableSigners,
  makeThreshold,
  newSource,
  policyOf,
  readSigners,
  readThreshold,
  rejectionRules,
  signerPolicies,
  signerSourceTypes,
  signersSupported,
  thresholdKinds,
  whenEmptyActions,
  withPolicy,
  withSigners,
  withSource,
  type ThresholdKind,
} from './signers.ts';
import { directoryOptions } from './directory-options.ts';
import type { Directory } from './use-directory.ts';

/** Props of {@link SignersEditor}. */
export interface SignersEditorProps {
  node: ProcessNode;
  /** Replaces the node (one undo step); read-only without it. */
  onEdit?: (update: (node: ProcessNode) => ProcessNode) => void;
  directory: Directory;
  /** Declared data fields (for sources of type `field`). */
  fields: readonly string[];
  locale: Language;
  /** Overrides {@link signersSupported} (tests). */
  supported?: boolean;
}

const maxSources = 20;

/** The several-signers settings of a user task. */
export function SignersEditor({
  node,
  onEdit,
  directory,
  fields,
  locale,
  supported = signersSupported,
}: SignersEditorProps) {
  const { t } = useTranslation();
  if (node.type !== 'userTask') return null;
  const signers = readSigners(node);
  const editable = !!onEdit && supported;
  const disabled = !editable;
  const set = (next: Signers) => onEdit?.((n) => withSigners(n, next));

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
    testId: string,
  ) => (
    <AutoComplete
      data-testid={testId}
      aria-label={label}
      value={text}
      options={options}
      filterOption={filter}
      disabled={disabled}
      placeholder={label}
      onChange={(v: string) => onText(v)}
      className="props-signer-pick"
    />
  );

  const sourceDetails = (source: SignerSource, change: (s: SignerSource) => void, i: number) => {
    const id = `signers-source-${i}`;
    switch (source.type) {
      case 'users':
        return (
          <Select
            mode="tags"
            data-testid={`${id}-users`}
            aria-label={t('properties.signers.sourceUsers')}
            placeholder={t('properties.signers.sourceUsers')}
            value={source.users}
            options={userOptions}
            filterOption={filter}
            disabled={disabled}
            onChange={(users: string[]) => change({ ...source, users: [...new Set(users)] })}
            className="props-signer-pick"
          />
        );
      case 'role':
        return (
          <>
            {picker(
              t('properties.owner.role'),
              source.role,
              roleOptions,
              (role) => change({ ...source, role }),
              `${id}-role`,
            )}
            {picker(
              t('properties.signers.roleTeam'),
              source.team ?? '',
              teamOptions,
              (team) => {
                const next: SignerSource = team ? { ...source, team } : { type: 'role', role: source.role };
                change(next);
              },
              `${id}-team`,
            )}
          </>
        );
      case 'team':
        return picker(
          t('properties.owner.team'),
          source.team,
          teamOptions,
          (team) => change({ ...source, team }),
          `${id}-team`,
        );
      case 'field':
        return picker(
          t('properties.signers.sourceField'),
          source.field,
          fieldOptions,
          (field) => change({ ...source, field }),
          `${id}-field`,
        );
      case 'managers':
        return (
          <>
            <Select
              aria-label={t('properties.owner.managerOf')}
              value={source.of}
              disabled={disabled}
              onChange={(of) => change({ ...source, of })}
              options={[
                { value: 'initiator', label: t('properties.owner.managerOfInitiator') },
                { value: 'previousAssignee', label: t('properties.owner.managerOfPrevious') },
              ]}
            />
            <InputNumber
              aria-label={t('properties.signers.levels')}
              data-testid={`${id}-levels`}
              min={1}
              max={20}
              precision={0}
              value={source.levels}
              disabled={disabled}
              onChange={(levels) => change({ ...source, levels: levels ?? 1 })}
              suffix={t('properties.signers.levelsUnit')}
            />
          </>
        );
      case 'initiator':
        return null;
    }
  };

  const threshold = readThreshold(signers?.threshold);
  const setThreshold = (kind: ThresholdKind, value?: number) =>
    signers && set({ ...signers, threshold: makeThreshold(kind, value) });
  const whenEmpty = signers?.whenEmpty ?? { action: 'incident' as const };

  return (
    <div className="props-signers" data-testid="signers" data-path="/signers">
      {!supported && <Alert type="info" showIcon className="props-note" title={t('properties.signers.unsupported')} />}
      {node.multiInstance && !signers ? null : (
        <Checkbox
          data-testid="signers-enable"
          checked={!!signers}
          disabled={disabled}
          onChange={(e) => onEdit?.(e.target.checked ? enableSigners : disableSigners)}
        >
          {t('properties.signers.enable')}
        </Checkbox>
      )}
      {signers && (
        <>
          <Form.Item label={t('properties.signers.from')} className="props-item">
            <div className="props-signer-sources">
              {signers.from.map((source, i) => (
                <Space key={i} wrap className="props-signer-source" data-testid={`signers-source-${i}`}>
                  <Select
                    aria-label={t('properties.signers.sourceType')}
                    data-testid={`signers-source-${i}-type`}
                    value={source.type}
                    disabled={disabled}
                    onChange={(type) => set(withSource(signers, i, newSource(type)))}
                    options={signerSourceTypes.map((s) => ({ value: s, label: t(`properties.signers.sources.${s}`) }))}
                    popupMatchSelectWidth={false}
                  />
                  {sourceDetails(source, (s) => set(withSource(signers, i, s)), i)}
                  {signers.from.length > 1 && (
                    <Button
                      size="small"
                      type="text"
                      disabled={disabled}
                      aria-label={t('properties.signers.removeSource')}
                      title={t('properties.signers.removeSource')}
                      onClick={() => set(withSource(signers, i, undefined))}
                    >
                      ✕
                    </Button>
                  )}
                </Space>
              ))}
              {signers.from.length < maxSources && (
                <Button
                  size="small"
                  data-testid="signers-add-source"
                  disabled={disabled}
                  onClick={() => set({ ...signers, from: [...signers.from, newSource('role')] })}
                >
                  {t('properties.signers.addSource')}
                </Button>
              )}
            </div>
          </Form.Item>
          <Form.Item label={t('properties.signers.policy')} className="props-item">
            <Radio.Group
              data-testid="signers-policy"
              value={policyOf(signers)}
              disabled={disabled}
              onChange={(e) => set(withPolicy(signers, e.target.value as (typeof signerPolicies)[number]))}
              options={signerPolicies.map((p) => ({ value: p, label: t(`properties.signers.policies.${p}`) }))}
              className="props-radios"
            />
          </Form.Item>
          {policyOf(signers) === 'threshold' && (
            <Form.Item label={t('properties.signers.threshold')} className="props-item">
              <Space wrap>
                <Select
                  aria-label={t('properties.signers.threshold')}
                  value={threshold.kind}
                  disabled={disabled}
                  onChange={(kind) => setThreshold(kind)}
                  options={thresholdKinds.map((k) => ({ value: k, label: t(`properties.signers.thresholds.${k}`) }))}
                  popupMatchSelectWidth={false}
                />
                {threshold.kind === 'count' ? (
                  <InputNumber
                    aria-label={t('properties.signers.thresholds.count')}
                    data-testid="signers-threshold-count"
                    min={1}
                    max={500}
                    precision={0}
                    value={threshold.value}
                    disabled={disabled}
                    onChange={(n) => setThreshold('count', n ?? 1)}
                    suffix={t('properties.signers.people')}
                  />
                ) : (
                  <InputNumber
                    aria-label={t(`properties.signers.thresholds.${threshold.kind}`)}
                    data-testid="signers-threshold-share"
                    min={threshold.kind === 'atLeast' ? 1 : 0}
                    max={threshold.kind === 'atLeast' ? 100 : 99}
                    precision={0}
                    value={Math.round(threshold.value * 100)}
                    disabled={disabled}
                    onChange={(n) => setThreshold(threshold.kind, (n ?? 50) / 100)}
                    suffix="%"
                  />
                )}
              </Space>
            </Form.Item>
          )}
          <Form.Item label={t('properties.signers.rejection')} className="props-item">
            <Select
              data-testid="signers-rejection"
              value={signers.rejection ?? 'veto'}
              disabled={disabled}
              onChange={(rejection) => set({ ...signers, rejection })}
              options={rejectionRules.map((r) => ({ value: r, label: t(`properties.signers.rejections.${r}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('properties.signers.whenEmpty')} className="props-item">
            <Select
              data-testid="signers-when-empty"
              value={whenEmpty.action}
              disabled={disabled}
              onChange={(action) =>
                set({
                  ...signers,
                  whenEmpty:
                    action === 'fallback'
                      ? { action, owner: 'owner' in whenEmpty ? whenEmpty.owner : { type: 'initiator' } }
                      : { action },
                })
              }
              options={whenEmptyActions.map((a) => ({
                value: a,
                label: t(`properties.signers.whenEmptyActions.${a}`),
              }))}
            />
          </Form.Item>
          {whenEmpty.action === 'fallback' && (
            <div className="props-fallback">
              <OwnerEditor
                value={whenEmpty.owner}
                onChange={
                  editable
                    ? (owner) =>
                        set({ ...signers, whenEmpty: { action: 'fallback', owner: owner ?? { type: 'initiator' } } })
                    : undefined
                }
                directory={directory}
                fields={fields}
                locale={locale}
                depth={1}
                allowNone={false}
                testId="signers-fallback"
              />
            </div>
          )}
          <Checkbox
            checked={signers.dedupe === true}
            disabled={disabled}
            onChange={(e) => {
              const next = { ...signers };
              if (e.target.checked) next.dedupe = true;
              else delete next.dedupe;
              set(next);
            }}
          >
            {t('properties.signers.dedupe')}
          </Checkbox>
        </>
      )}
      {(signers || node.resultField !== undefined) && (
        <div data-path="/resultField">
          <Form.Item
            label={t('properties.signers.resultField')}
            extra={t('properties.signers.resultFieldHint', { field: node.resultField || 'approval' })}
            className="props-item"
          >
            <Input
              className="mono"
              data-testid="signers-result-field"
              value={node.resultField ?? ''}
              disabled={disabled}
              onChange={(e) =>
                onEdit?.((n) => {
                  if (n.type !== 'userTask') return n;
                  const { resultField: _r, ...rest } = n;
                  return e.target.value === '' ? rest : { ...rest, resultField: e.target.value };
                })
              }
            />
          </Form.Item>
        </div>
      )}
    </div>
  );
}
