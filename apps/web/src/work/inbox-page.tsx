import { Inbox } from './inbox/inbox.tsx';

/** The inbox page (`/inbox`): see `./inbox/`. */
export default function InboxPage() {
  return <Inbox />;
}
