import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/app.css';
import { App } from './app/app.tsx';
import { nonceScriptCreatedStyles, readCspNonce } from './app/csp-nonce.ts';
import { initI18n } from './i18n/index.ts';

const nonce = readCspNonce();
if (nonce !== undefined) nonceScriptCreatedStyles(nonce);
initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
