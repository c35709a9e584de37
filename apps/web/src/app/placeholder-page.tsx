import { Card, Empty, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Which page a {@link PlaceholderPage} stands in for (keys of `placeholder` in the catalogues). */
export type PlaceholderKey = 'inbox' | 'start' | 'instances' | 'analytics' | 'ops';

/** The empty state of a page that is not built yet: its title and what will be there. */
export function PlaceholderPage({ which, icon }: { which: PlaceholderKey; icon: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Typography.Title level={3} className="page-title">
        {t(`placeholder.${which}.title`)}
      </Typography.Title>
      <Card>
        <Empty
          image={<span className="placeholder-icon">{icon}</span>}
          description={
            <div className="placeholder-text">
              <Tag color="blue">{t('placeholder.comingSoon')}</Tag>
              <Typography.Paragraph>{t(`placeholder.${which}.body`)}</Typography.Paragraph>
            </div>
          }
        />
      </Card>
    </div>
  );
}
