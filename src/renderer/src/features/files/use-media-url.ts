/**
 * The URL of a file or its preview for <img>/<video>, from the API (asked once, then cached).
 * When the element fails to load it (`failed`: a browser tab's URLs die with its WebSocket
 * session, so after a reconnect they answer 404), the URL is asked for again once the server is
 * connected, once per URL, so a broken image or a video that cannot seek mends itself.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { forgetMediaUrl, mediaUrl } from './files-commands.ts';

export interface MediaUrl {
  url: string | null;
  /** Call from the element's `error` event. */
  failed: () => void;
}

export function useMediaUrl(server: string, fileId: string | null, variant: 'original' | 'thumb'): MediaUrl {
  const { api } = useParley();
  const connected = useAppState((s) => s.servers[server]?.status === 'connected');
  const [url, setUrl] = useState<{ key: string; url: string | null } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retried = useRef(new Set<string>());
  const key = `${server}|${fileId}|${variant}`;
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
  const current = url?.key === key ? url.url : null;
  const failed = useCallback(() => {
    if (fileId === null || current === null || retried.current.has(current)) return;
    retried.current.add(current);
    forgetMediaUrl(api, server, fileId, variant);
    setAttempt((n) => n + 1);
  }, [api, server, fileId, variant, current]);
  return { url: current, failed };
}
