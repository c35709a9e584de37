import { App as AntApp, ConfigProvider } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router/dom';
import { antdLocales, isLanguage } from '../i18n/index.ts';
import { readCspNonce } from './csp-nonce.ts';
import { router } from './routes.tsx';
import { SessionProvider } from './session.tsx';

const nonce = readCspNonce();

/** The root: antd in the app's language (its own texts switch with ours), the session, the routes. */
export function App() {
  const { i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const csp = useMemo(() => (nonce === undefined ? undefined : { nonce }), []);
  return (
    <ConfigProvider locale={antdLocales[language]} csp={csp} theme={{ token: { colorPrimary: '#1677ff' } }}>
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
