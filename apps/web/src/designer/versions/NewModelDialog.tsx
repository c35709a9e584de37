/**
 * The "new model" dialog of the models page (process owners and admins): a key and a name in
 * both languages; it creates the model with a first draft (a start joined to an end, as it
 * runs today) and opens it in the designer. A refused command says why and keeps what was typed.
 *
 * @module
 */
import { BatonApiError, modelKeyPattern } from '@baton/client';
import { Alert, Flex, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { client } from '../../lib/client.ts';
import { firstDraft } from './first-draft.ts';

const keyPattern = new RegExp(modelKeyPattern);

/** The dialog; `open` shows it. */
export function NewModelDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [zh, setZh] = useState('');
  const [english, setEnglish] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const badKey = !keyPattern.test(key);
  const noName = zh.trim() === '' && english.trim() === '';
  // The key of the model this dialog created, when its first draft is still to be saved.
  const [created, setCreated] = useState<string | undefined>(undefined);
  const create = async () => {
    setTried(true);
    if (badKey || noName) return;
    const name = { 'zh-CN': zh.trim() || english.trim(), en: english.trim() || zh.trim() };
    setBusy(true);
    setError(undefined);
    try {
      if (created !== key) {
        await client.createModel({ key, name });
        setCreated(key);
      }
      const draft = await client.createVersion(key, { definition: firstDraft(key, name), state: 'current' });
      onClose();
      void navigate(`/models/${encodeURIComponent(key)}/versions/${draft.number}`);
    } catch (e) {
      setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('versions.newModel.title')}
      okText={t('versions.newModel.create')}
      onOk={() => void create()}
      onCancel={onClose}
      confirmLoading={busy}
    >
      <Flex vertical gap={8} className="versions-dialog">
        <label className="versions-field">
          <Typography.Text strong>{t('versions.newModel.key')}</Typography.Text>
          <Input
            data-testid="new-model-key"
            value={key}
            status={tried && badKey ? 'error' : undefined}
            onChange={(e) => setKey(e.target.value.trim())}
          />
          <Typography.Text type={tried && badKey ? 'danger' : 'secondary'}>
            {t('versions.newModel.keyHint')}
          </Typography.Text>
        </label>
        <label className="versions-field">
          <Typography.Text strong>{t('versions.newModel.nameZh')}</Typography.Text>
          <Input data-testid="new-model-zh" value={zh} onChange={(e) => setZh(e.target.value)} />
        </label>
        <label className="versions-field">
          <Typography.Text strong>{t('versions.newModel.nameEn')}</Typography.Text>
          <Input data-testid="new-model-en" value={english} onChange={(e) => setEnglish(e.target.value)} />
        </label>
        {tried && noName && <Typography.Text type="danger">{t('versions.newModel.nameRequired')}</Typography.Text>}
        {error !== undefined && (
          <Alert
            type="error"
            showIcon
            data-testid="versions-error"
            title={
              error === 'API_MODEL_EXISTS'
                ? t('versions.newModel.exists', { key })
                : t('versions.failed.generic', { code: error })
            }
          />
        )}
      </Flex>
    </Modal>
  );
}
