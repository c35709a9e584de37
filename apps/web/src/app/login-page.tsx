import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { BatonApiError } from '@baton/client';
import { Alert, Button, Card, Form, Input, type InputRef, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { changeLanguage, isLanguage, languages } from '../i18n/index.ts';
import { Brand } from './brand.tsx';
import { useSession } from './session.tsx';

interface LoginForm {
  username: string;
  password: string;
}

/**
 * Why the last login failed, as a catalogue key; other errors show their code (the server's
 * messages are English, for developers: the UI speaks from its catalogues).
 */
type LoginProblem = { key: 'login.invalidCredentials' | 'login.unreachable' } | { key: 'login.failed'; code: string };

/** Where a logged-out visitor lands; after login, back where they wanted to go (same-app paths only). */
export default function LoginPage() {
  const { t, i18n } = useTranslation();
  const { user, login, ended } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { from?: unknown } | null;
  const from =
    typeof state?.from === 'string' && state.from.startsWith('/') && !state.from.startsWith('//')
      ? state.from
      : '/models';
  const [problem, setProblem] = useState<LoginProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<LoginForm>();

  if (user) return <Navigate to={from} replace />;

  const onFinish = async (values: LoginForm) => {
    setBusy(true);
    setProblem(null);
    try {
      await login(values.username, values.password);
      void navigate(from, { replace: true });
    } catch (error) {
      if (error instanceof BatonApiError && error.code === 'API_INVALID_CREDENTIALS')
        setProblem({ key: 'login.invalidCredentials' });
      else if (error instanceof BatonApiError) setProblem({ key: 'login.failed', code: error.code });
      else setProblem({ key: 'login.unreachable' });
      // Keep the username; clear the password and put the cursor back in it.
      form.setFieldValue('password', '');
      (form.getFieldInstance('password') as InputRef | undefined)?.focus?.();
    } finally {
      setBusy(false);
    }
  };

  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <main className="login">
      <div className="login-language">
        <GlobalOutlined aria-hidden />
        <Segmented
          aria-label={t('login.language')}
          size="small"
          value={language}
          onChange={(value) => isLanguage(value) && void changeLanguage(value)}
          options={languages.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
        />
      </div>
      <Card className="login-card">
        <div className="login-brand">
          <Brand />
        </div>
        <Typography.Title level={3}>{t('login.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {ended !== null && !problem && (
          <Alert
            className="login-alert"
            type={ended === 'logout' ? 'success' : 'warning'}
            showIcon
            title={ended === 'logout' ? t('user.loggedOut') : t('user.sessionExpired')}
          />
        )}
        {problem && (
          <Alert
            className="login-alert"
            type="error"
            showIcon
            role="alert"
            data-testid="login-error"
            title={problem.key === 'login.failed' ? t(problem.key, { code: problem.code }) : t(problem.key)}
          />
        )}
        <Form<LoginForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => void onFinish(values)}
          disabled={busy}
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
