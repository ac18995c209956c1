/** The URL of a file or its preview for <img>/<video>, from the API (asked once, then cached). */
import { useEffect, useState } from 'react';
import { useParley } from '../../hooks/use-parley.ts';
import { mediaUrl } from './files-commands.ts';

export function useMediaUrl(server: string, fileId: string | null, variant: 'original' | 'thumb'): string | null {
  const { api } = useParley();
  const [url, setUrl] = useState<{ key: string; url: string | null } | null>(null);
  const key = `${server}|${fileId}|${variant}`;
  useEffect(() => {
    if (fileId === null) return;
    let live = true;
    void mediaUrl(api, server, fileId, variant).then((value) => {
      if (live) setUrl({ key, url: value });
    });
    return () => {
      live = false;
    };
  }, [api, server, fileId, variant, key]);
  return url?.key === key ? url.url : null;
}
