/** Who is in the open room. Choosing someone opens your direct messages with them. */
import { useEffect, useMemo, useRef } from 'react';
import type { ServerStatus } from '../../../../shared/api/contract.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { openDm } from '../dms/dms-commands.ts';
import { selectActiveKey, selectConversation, selectMembers } from '../../state/selectors.ts';
import { drawerChanged } from '../../state/ui-slice.ts';
import { Avatar } from '../../components/common/Avatar.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { ChallengeMemberButton } from '../games/GameButtons.tsx';

/**
 * Presence is live only while connected: otherwise the list is what the server last told us, and
 * it says so rather than passing stale presence off as current.
 */
function offlineText(status: ServerStatus | undefined): string | null {
  switch (status) {
    case 'connected':
    case undefined:
      return null;
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Offline — reconnecting…';
    case 'failed':
    case 'idle':
      return 'Offline';
  }
}

export function MemberPanel({ narrow }: { narrow: boolean }) {
  const { api, store } = useParley();
  const key = useAppState(selectActiveKey);
  const meta = useAppState(selectConversation(key));
  const members = useAppState(selectMembers(key));
  const selfId = useAppState((s) => (meta ? (s.servers[meta.server]?.self?.id ?? null) : null));
  const status = useAppState((s) => (meta ? s.servers[meta.server]?.status : undefined));
  const offline = offlineText(status);
  const ref = useRef<HTMLElement>(null);

  const sorted = useMemo(
    () =>
      [...members].sort((a, b) => {
        if (a.id === selfId) return -1;
        if (b.id === selfId) return 1;
        return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
      }),
    [members, selfId],
  );

  useEffect(() => {
    if (narrow) ref.current?.querySelector<HTMLElement>('button')?.focus();
  }, [narrow]);

  if (!meta) return null;
  return (
    <aside
      id="members"
      ref={ref}
      className={offline ? 'members members--offline' : 'members'}
      aria-labelledby="members-heading"
    >
      <header className="members__header">
        <h2 id="members-heading" className="members__heading">
          Members <span className="members__count">{members.length}</span>
        </h2>
        {narrow && (
          <button
            type="button"
            className="icon-button"
            aria-label="Close the member list"
            onClick={() => drawerChanged(store, 'none')}
          >
            <Icon name="close" />
          </button>
        )}
      </header>
      <div role="status" className="members__status">
        {offline && (
          <>
            <p className="members__status-title">{offline}</p>
            <p>{sorted.length === 0 ? 'Who is here shows once connected.' : 'Showing who was here before.'}</p>
          </>
        )}
      </div>
      {sorted.length === 0 ? (
        <p className="members__empty">Nobody is here yet.</p>
      ) : (
        <ul className="members__list">
          {sorted.map((user) => (
            <li key={user.id}>
              <button
                type="button"
                className="member"
                title={user.id === selfId ? 'Notes to yourself' : `Message ${user.name}`}
                onClick={() => void openDm(api, store, meta.server, user)}
              >
                <Avatar id={user.id} name={user.name} size="sm" />
                <span className="member__name">{user.name}</span>
                {user.id === selfId && <span className="member__you">you</span>}
                <span className="visually-hidden">, send a direct message</span>
              </button>
              {meta.kind === 'room' && user.id !== selfId && (
                <ChallengeMemberButton conversation={meta.key} user={user} />
              )}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
