import { CalendarOutlined, SwapOutlined } from '@ant-design/icons';
import { Button, Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DeploymentsTab } from './deployments-tab.tsx';
import { DirectoryTab } from './directory-tab.tsx';
import { RequireOperator } from './ops-common.tsx';
import { StuckTab } from './stuck-tab.tsx';
import './ops.css';

const tabs = ['deployments', 'stuck', 'directory'] as const;
type TabKey = (typeof tabs)[number];

/** The ops console: deployments, stuck work and the directory as tabs (`?tab=`), links to migration and calendars. */
export default function OpsPage() {
  return (
    <RequireOperator>
      <OpsConsole />
    </RequireOperator>
  );
}

function OpsConsole() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const active: TabKey = (tabs as readonly string[]).includes(requested ?? '') ? (requested as TabKey) : 'deployments';
  const content: Record<TabKey, React.ReactNode> = {
    deployments: <DeploymentsTab />,
    stuck: <StuckTab />,
    directory: <DirectoryTab />,
  };
  return (
    <div className="page">
      <Space className="ops-page-head" wrap>
        <Typography.Title level={3} className="page-title ops-inline-title">
          {t('ops.console.title')}
        </Typography.Title>
        <span className="ops-grow" />
        <Link to="/ops/migration">
          <Button icon={<SwapOutlined />}>{t('ops.console.migration')}</Button>
        </Link>
        <Link to="/ops/calendars">
          <Button icon={<CalendarOutlined />}>{t('ops.console.calendars')}</Button>
        </Link>
      </Space>
      <Typography.Paragraph type="secondary">{t('ops.console.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={active}
        onChange={(key) => setParams(key === 'deployments' ? {} : { tab: key })}
        destroyOnHidden
        items={tabs.map((key) => ({ key, label: t(`ops.console.tabs.${key}`), children: content[key] }))}
      />
    </div>
  );
}
