import { ToolOutlined } from '@ant-design/icons';
import { PlaceholderPage } from '../app/placeholder-page.tsx';

/** The ops page (to come: issue 11); for now its empty state says what will be here. */
export default function OpsPage() {
  return <PlaceholderPage which="ops" icon={<ToolOutlined />} />;
}
