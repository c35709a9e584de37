import { InboxOutlined } from '@ant-design/icons';
import { PlaceholderPage } from '../app/placeholder-page.tsx';

/** The inbox page (to come: issue 11); for now its empty state says what will be here. */
export default function InboxPage() {
  return <PlaceholderPage which="inbox" icon={<InboxOutlined />} />;
}
