import { BellOutlined } from '@ant-design/icons';
import type { LocalizedText, UserNotification, WsPushMessage } from '@baton/client';
import { Badge, Button, Empty, Popover, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { client } from '../../lib/client.ts';
import { useInboxPushes } from '../../lib/live.ts';
import { formatTime, localizedOr } from './format.ts';
import './inbox.css';

const kindColors = { reminder: 'gold', escalation: 'red', urge: 'orange', assigned: 'blue' } as const;

/** How many notifications the bell lists (newest first); the badge counts every unread one up to 200. */
const shownLimit = 20;

/**
 * The notification bell of the header: the unread count (live through the websocket, also when
 * another tab marks them read), a click-opened list with "mark read" per notification and "mark
 * all read"; a notification about a task opens it.
 */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [names, setNames] = useState<ReadonlyMap<string, LocalizedText>>();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<UserNotification[]>();
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const openRef = useRef(open);
  openRef.current = open;

  const load = useCallback(() => {
    client.listNotifications({ unread: true, limit: 200 }).then(
      (list) => {
        setUnread(list.length);
        setFailed(false);
      },
      () => setFailed(true),
    );
    if (openRef.current) {
      client.listNotifications({ limit: shownLimit }).then(setItems, () => setFailed(true));
    }
  }, []);
  useEffect(load, [load]);
  const onPush = useCallback(
    (message: WsPushMessage) => {
      if (message.type === 'notification.created' || message.type === 'notification.read') load();
    },
    [load],
  );
  useInboxPushes(onPush, load);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    openRef.current = next;
    if (next) load();
    if (next && names === undefined) {
      client.listModels().then(
        (models) => setNames(new Map(models.map((m) => [m.key, m.name]))),
        () => setNames(new Map()),
      );
    }
  };
  const markRead = async (id: number) => {
    await client.markNotificationRead(id).catch(() => setFailed(true));
    load();
  };
  const readAll = async () => {
    await client.markAllNotificationsRead().catch(() => setFailed(true));
    load();
  };
  const openTask = (n: UserNotification) => {
    if (n.readAt === null) void markRead(n.id);
    setOpen(false);
    if (n.taskId !== null) void navigate(`/tasks/${n.taskId}`);
  };

  const content = (
    <div className="bell-panel" data-testid="bell-panel">
      <div className="bell-head">
        <strong>{t('inbox.bell.title')}</strong>
        <Button type="link" size="small" disabled={unread === 0} onClick={() => void readAll()}>
          {t('inbox.bell.readAll')}
        </Button>
      </div>
      {failed && <div className="inbox-failed">{t('inbox.bell.failed')}</div>}
      {items !== undefined && items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.bell.empty')} />
      ) : (
        <ul className="bell-list">
          {(items ?? []).map((n) => {
            const node = localizedOr(
              n.nodeName,
              i18n.language,
              typeof n.payload.node === 'string' ? n.payload.node : '',
            );
            return (
              <li
                key={n.id}
                className={n.readAt === null ? 'bell-item bell-unread' : 'bell-item'}
                data-testid="bell-item"
              >
                <div className="bell-item-main">
                  <Tag color={kindColors[n.kind]}>{t(`inbox.bell.kinds.${n.kind}`)}</Tag>
                  <span className="inbox-muted">{formatTime(n.createdAt)}</span>
                </div>
                <div className="bell-item-about">
                  <span>
                    {t('inbox.bell.about', {
                      process:
                        n.modelKey === null ? '' : localizedOr(names?.get(n.modelKey), i18n.language, n.modelKey),
                      step: node,
                    })}
                  </span>
                  {n.businessKey !== null && <span className="inbox-muted">{n.businessKey}</span>}
                </div>
                <div className="bell-item-actions">
                  {n.taskId !== null && (
                    <Button size="small" type="link" onClick={() => openTask(n)}>
                      {t('inbox.bell.open')}
                    </Button>
                  )}
                  {n.readAt === null && (
                    <Button size="small" type="link" onClick={() => void markRead(n.id)}>
                      {t('inbox.bell.markRead')}
                    </Button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );

  return (
    <Popover content={content} trigger={['click']} placement="bottomRight" open={open} onOpenChange={onOpenChange}>
      <Button type="text" className="bell-button" aria-label={t('inbox.bell.title')} data-testid="bell">
        <Badge count={unread} overflowCount={99} size="small" data-testid="bell-count" data-count={unread}>
          <BellOutlined className="bell-icon" />
        </Badge>
      </Button>
    </Popover>
  );
}
