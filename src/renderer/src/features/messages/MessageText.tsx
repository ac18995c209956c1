/**
 * Message text as text — React escapes it; there is no HTML path — with http(s) URLs as links.
 * In the desktop app a click asks the API to open the system browser (the window itself never
 * navigates); in a browser the link opens a new tab without access to this page.
 */
import { Fragment, useMemo, type MouseEvent } from 'react';
import { linkify } from './linkify.ts';

export function MessageText({
  text,
  platform,
  onOpenLink,
}: {
  text: string;
  platform: 'electron' | 'web';
  onOpenLink: (url: string) => void;
}) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <>
      {segments.map((segment, index) => {
        if (segment.kind === 'text') return <Fragment key={index}>{segment.text}</Fragment>;
        if (platform === 'electron') {
          const open = (event: MouseEvent) => {
            event.preventDefault();
            onOpenLink(segment.href);
          };
          const openMiddle = (event: MouseEvent) => {
            if (event.button === 1) open(event);
          };
          return (
            <a key={index} href={segment.href} className="message__link" onClick={open} onAuxClick={openMiddle}>
              {segment.text}
            </a>
          );
        }
        return (
          <a key={index} href={segment.href} className="message__link" target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        );
      })}
    </>
  );
}
