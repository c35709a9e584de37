import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** An address inside the app with no page. */
export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('errors.notFound')}
      extra={
        <Link to="/models">
          <Button type="primary">{t('errors.backHome')}</Button>
        </Link>
      }
    />
  );
}
