/**
 * The URL of a file or its preview for <img>/<video>, from the API (asked once, then cached).
 * When the element fails to load it (`failed`), the URL is asked for again once the server is
 * connected, a few times with a growing pause: a browser tab's URLs die with its WebSocket
 * session (after a reconnect they answer 404 until asked for again), and right after a restart
 * the server may need a moment before it serves files. `attempt` changes with every retry: used
 * as the element's `key`, it makes the element load again even when the URL is the same.
 */
import { useCallback, useEffect, useState } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { forgetMediaUrl, mediaUrl } from './files-commands.ts';

export interface MediaUrl {
  url: string | null;
  /** 0, then 1, 2 … after each retry. */
  attempt: number;
  /** Call from the element's `error` event. */
  failed: () => void;
}

/** Retries per file and variant while the element is shown; then it stays broken. */
const MAX_RETRIES = 3;
const RETRY_PAUSE_MS = 500;

export function useMediaUrl(server: string, fileId: string | null, variant: 'original' | 'thumb'): MediaUrl {
  const { api } = useParley();
  const connected = useAppState((s) => s.servers[server]?.status === 'connected');
  const key = `${server}|${fileId}|${variant}`;
  const [url, setUrl] = useState<{ key: string; url: string | null } | null>(null);
  const [retry, setRetry] = useState({ key, attempt: 0, pending: false });
  const attempt = retry.key === key ? retry.attempt : 0;
  const pending = retry.key === key && retry.pending;

  useEffect(() => {
    if (fileId === null) return;
    let live = true;
    void mediaUrl(api, server, fileId, variant).then((value) => {
      if (!live) return;
      // Not known now (e.g. asked while the connection was down): asked again once connected.
      if (value === null) forgetMediaUrl(api, server, fileId, variant);
      setUrl({ key, url: value });
    });
    return () => {
      live = false;
    };
  }, [api, server, fileId, variant, key, attempt, connected]);

  useEffect(() => {
    if (!pending || !connected || fileId === null) return;
    const timer = setTimeout(
      () => {
        forgetMediaUrl(api, server, fileId, variant);
        setUrl(null); // the element waits for the new URL rather than loading the old one again
        setRetry({ key, attempt: attempt + 1, pending: false });
      },
      RETRY_PAUSE_MS * (attempt + 1),
    );
    return () => clearTimeout(timer);
  }, [pending, connected, api, server, fileId, variant, key, attempt]);

  const failed = useCallback(() => {
    if (fileId === null || attempt >= MAX_RETRIES) return;
    setRetry({ key, attempt, pending: true });
  }, [fileId, attempt, key]);
  return { url: url?.key === key ? url.url : null, attempt, failed };
}
