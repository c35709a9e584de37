import { NodeIndexOutlined } from '@ant-design/icons';
import { PlaceholderPage } from '../app/placeholder-page.tsx';

/** The instances page (to come: issue 11); for now its empty state says what will be here. */
export default function InstancesPage() {
  return <PlaceholderPage which="instances" icon={<NodeIndexOutlined />} />;
}
