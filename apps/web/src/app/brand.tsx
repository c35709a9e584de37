import { useTranslation } from 'react-i18next';
import logo from '../favicon.svg';

/** The logo and the product's name. */
export function Brand() {
  const { t } = useTranslation();
  return (
    <span className="brand">
      <img src={logo} alt="" width={28} height={28} />
      <span className="brand-name">{t('app.name')}</span>
    </span>
  );
}
