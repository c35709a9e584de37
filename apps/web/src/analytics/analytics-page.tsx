import { BarChartOutlined } from '@ant-design/icons';
import { PlaceholderPage } from '../app/placeholder-page.tsx';

/** The analytics page (to come: issue 11); for now its empty state says what will be here. */
export default function AnalyticsPage() {
  return <PlaceholderPage which="analytics" icon={<BarChartOutlined />} />;
}
