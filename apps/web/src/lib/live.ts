/**
 * The app's one live connection to `GET /api/ws` (the session cookie authenticates it), shared
 * by every component that needs pushes: opened by the first user, closed when the last one goes.
 * Hooks give the connection's state (to show a lost connection) and the inbox's pushes.
 *
 * @module
 */
import type { LiveConnection, LiveState, WsPushMessage } from '@baton/client';
import { useEffect, useRef, useState } from 'react';
import { client } from './client.ts';

let shared: LiveConnection | undefined;
let users = 0;

/** Takes a share of the live connection (opening it if needed); call the returned function to give it back. */
function acquire(): { live: LiveConnection; release: () => void } {
  if (!shared) shared = client.connect({ pingIntervalMs: 25_000 });
  users += 1;
  const live = shared;
  let released = false;
  return {
    live,
    release: () => {
      if (released) return;
      released = true;
      users -= 1;
      if (users === 0 && shared === live) {
        shared = undefined;
        live.close();
      }
    },
  };
}

/** What a component shows about the connection: open, or lost (reconnecting or closed by the server). */
export interface LiveStatus {
  state: LiveState['type'];
  /** Whether the connection was open before and is not now (a banner shows this). */
  lost: boolean;
}

/**
 * Subscribes to the caller's inbox pushes (tasks, notifications, cc) for as long as the
 * component is mounted. `onMessage` gets every push; `onResubscribed` runs each time the
 * connection opens again after a loss (refetch then: pushes sent meanwhile were missed).
 * Returns the connection's status.
 */
export function useInboxPushes(onMessage: (message: WsPushMessage) => void, onResubscribed?: () => void): LiveStatus {
  const handlers = useRef({ onMessage, onResubscribed });
  handlers.current = { onMessage, onResubscribed };
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting', lost: false });
  useEffect(() => {
    const { live, release } = acquire();
    let wasOpen = live.state === 'open';
    let lost = false;
    setStatus({ state: live.state, lost: false });
    const stopState = live.onStateChange((state) => {
      if (state.type === 'open') {
        if (lost) handlers.current.onResubscribed?.();
        wasOpen = true;
        lost = false;
      } else if (wasOpen && (state.type === 'reconnecting' || state.type === 'closed')) {
        lost = state.type === 'reconnecting' || state.reason !== 'client';
      }
      setStatus({ state: state.type, lost });
    });
    const stop = live.subscribe({ topic: 'inbox' }, (message) => handlers.current.onMessage(message));
    return () => {
      stop();
      stopState();
      release();
    };
  }, []);
  return status;
}

/** Opens the connection again now (after the server closed it for good, e.g. a 4401). */
export function reconnectLive(): void {
  shared?.reconnect();
}
