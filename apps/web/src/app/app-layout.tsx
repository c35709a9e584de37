import {
  AppstoreOutlined,
  BarChartOutlined,
  CheckOutlined,
  DownOutlined,
  GlobalOutlined,
  InboxOutlined,
  LogoutOutlined,
  NodeIndexOutlined,
  PlayCircleOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Grid, Layout, Menu, type MenuProps, Spin } from 'antd';
import { mayOperate, mayReadAnalytics } from '@baton/client';
import { type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { changeLanguage, isLanguage, languages } from '../i18n/index.ts';
import { NotificationBell } from '../work/inbox/notification-bell.tsx';
import { Brand } from './brand.tsx';
import { useSession } from './session.tsx';

type SessionUser = NonNullable<ReturnType<typeof useSession>['user']>;

/**
 * The side menu's entries: route path, catalogue key, and who sees it (the pages and the server
 * check again; a menu entry that only leads to "forbidden" is not shown).
 */
const sections: ReadonlyArray<{
  path: string;
  label: `nav.${'models' | 'inbox' | 'start' | 'instances' | 'analytics' | 'ops'}`;
  icon: ReactNode;
  shown?: (user: SessionUser) => boolean;
}> = [
  { path: '/models', label: 'nav.models', icon: <AppstoreOutlined /> },
  { path: '/inbox', label: 'nav.inbox', icon: <InboxOutlined /> },
  { path: '/start', label: 'nav.start', icon: <PlayCircleOutlined /> },
  { path: '/instances', label: 'nav.instances', icon: <NodeIndexOutlined />, shown: (u) => mayOperate(u.roles) },
  { path: '/analytics', label: 'nav.analytics', icon: <BarChartOutlined />, shown: mayReadAnalytics },
  { path: '/ops', label: 'nav.ops', icon: <ToolOutlined />, shown: (u) => mayOperate(u.roles) },
];

/**
 * The shell every page sits in: side menu, header with the user menu (language, logout), and
 * the page. Sends a logged-out visitor to the login page, remembering where they wanted to go.
 */
export default function AppLayout() {
  const { t, i18n } = useTranslation();
  const { user, logout } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  // Below lg the menu collapses to nothing and, when opened, lies over the page (app.css).
  const narrow = Grid.useBreakpoint().lg === false;

  if (user === undefined) return <Spin fullscreen />;
  if (user === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;

  const selected = sections.find(
    (s) => location.pathname === s.path || location.pathname.startsWith(`${s.path}/`),
  )?.path;
  const menuItems: MenuProps['items'] = [
    {
      type: 'group',
      key: 'designer',
      label: t('nav.designer'),
      children: sections.slice(0, 1).map((s) => ({ key: s.path, icon: s.icon, label: t(s.label) })),
    },
    { type: 'divider' },
    ...sections
      .slice(1)
      .filter((s) => s.shown?.(user) ?? true)
      .map((s) => ({ key: s.path, icon: s.icon, label: t(s.label) })),
  ];
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const userItems: MenuProps['items'] = [
    {
      key: 'language',
      icon: <GlobalOutlined />,
      label: t('user.language'),
      children: languages.map((l) => ({
        key: `language:${l}`,
        label: t(`languages.${l}`),
        icon: l === language ? <CheckOutlined /> : <span className="menu-icon-space" />,
      })),
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('user.logout'), danger: true },
  ];
  const onUserMenu: MenuProps['onClick'] = ({ key }) => {
    if (key.startsWith('language:')) {
      const next = key.slice('language:'.length);
      if (isLanguage(next)) void changeLanguage(next);
    } else if (key === 'logout') {
      // The session's end re-renders this layout, which sends the visitor to the login page.
      void logout();
    }
  };

  return (
    <Layout className="shell">
      <Layout.Sider
        theme="light"
        breakpoint="lg"
        collapsedWidth={0}
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={220}
        className="shell-sider"
        zeroWidthTriggerStyle={{ top: 12 }}
      >
        <div className="shell-brand">
          <Brand />
        </div>
        <nav aria-label={t('nav.menu')}>
          <Menu
            mode="inline"
            items={menuItems}
            selectedKeys={selected ? [selected] : []}
            onClick={({ key }) => {
              void navigate(key);
              if (narrow) setCollapsed(true);
            }}
          />
        </nav>
      </Layout.Sider>
      {narrow && !collapsed && <div className="shell-mask" aria-hidden onClick={() => setCollapsed(true)} />}
      <Layout>
        <Layout.Header className="shell-header">
          <div className="shell-header-spacer" />
          <NotificationBell />
          <Dropdown menu={{ items: userItems, onClick: onUserMenu }} trigger={['click']} placement="bottomRight">
            <Button type="text" className="user-button" data-testid="user-menu">
              <Avatar size="small" icon={<UserOutlined />} />
              <span className="user-name">{user.displayName}</span>
              <DownOutlined />
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content className="shell-content">
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
