import { PlayCircleOutlined } from '@ant-design/icons';
import { PlaceholderPage } from '../app/placeholder-page.tsx';

/** The start page (to come: issue 11); for now its empty state says what will be here. */
export default function StartPage() {
  return <PlaceholderPage which="start" icon={<PlayCircleOutlined />} />;
}
