/**
 * Several signers (会签 / 或签 / 依次 / threshold) and the empty-approver rule of a user task,
 * built against the local {@link Signers} shape (see signers.ts). Read-only, with a note, while
 * the definition schema has no `signers`.
 *
 * @module
 */
import type { ProcessNode } from '@baton/definition';
import { Alert, Checkbox, Form, InputNumber, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  defaultSigners,
  emptySignerActions,
  readSigners,
  rejectionRules,
  signerPolicies,
  signersSupported,
  type Signers,
} from './signers.ts';

/** Props of {@link SignersEditor}. */
export interface SignersEditorProps {
  node: ProcessNode;
  onChange?: (signers: Signers | undefined) => void;
  /** Overrides {@link signersSupported} (tests). */
  supported?: boolean;
}

/** The several-signers settings of a user task. */
export function SignersEditor({ node, onChange, supported = signersSupported }: SignersEditorProps) {
  const { t } = useTranslation();
  const signers = readSigners(node);
  const editable = !!onChange && supported;
  const set = (next: Signers | undefined) => onChange?.(next);
  return (
    <div className="props-signers" data-testid="signers">
      {!supported && <Alert type="info" showIcon className="props-note" title={t('properties.signers.unsupported')} />}
      <Checkbox
        checked={!!signers}
        disabled={!editable}
        onChange={(e) => set(e.target.checked ? defaultSigners : undefined)}
      >
        {t('properties.signers.enable')}
      </Checkbox>
      {signers && (
        <>
          <Form.Item label={t('properties.signers.policy')} className="props-item">
            <Radio.Group
              value={signers.policy}
              disabled={!editable}
              onChange={(e) => {
                const policy = e.target.value as Signers['policy'];
                const next: Signers = { ...signers, policy };
                if (policy === 'threshold') next.threshold = signers.threshold ?? 2;
                else delete next.threshold;
                set(next);
              }}
              options={signerPolicies.map((p) => ({ value: p, label: t(`properties.signers.policies.${p}`) }))}
              className="props-radios"
            />
          </Form.Item>
          {signers.policy === 'threshold' && (
            <>
              <Form.Item label={t('properties.signers.thresholdCount')} className="props-item">
                <InputNumber
                  min={1}
                  value={signers.threshold ?? 2}
                  disabled={!editable}
                  onChange={(n) => set({ ...signers, threshold: n ?? 1 })}
                />
              </Form.Item>
              <Form.Item label={t('properties.signers.rejection')} className="props-item">
                <Select
                  value={signers.rejection ?? 'any'}
                  disabled={!editable}
                  onChange={(rejection) => set({ ...signers, rejection })}
                  options={rejectionRules.map((r) => ({ value: r, label: t(`properties.signers.rejections.${r}`) }))}
                />
              </Form.Item>
            </>
          )}
          <Form.Item label={t('properties.signers.ifEmpty')} className="props-item">
            <Select
              value={signers.ifEmpty?.action ?? 'incident'}
              disabled={!editable}
              onChange={(action) => set({ ...signers, ifEmpty: { ...signers.ifEmpty, action } })}
              options={emptySignerActions.map((a) => ({
                value: a,
                label: t(`properties.signers.ifEmptyActions.${a}`),
              }))}
            />
          </Form.Item>
          <Checkbox
            checked={signers.dedupe === true}
            disabled={!editable}
            onChange={(e) => set({ ...signers, dedupe: e.target.checked })}
          >
            {t('properties.signers.dedupe')}
          </Checkbox>
        </>
      )}
    </div>
  );
}
