/** Who is in the open room. Choosing someone opens your direct messages with them. */
import { useEffect, useMemo, useRef } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { openDm } from '../../state/commands/conversations.ts';
import { selectActiveKey, selectConversation, selectMembers } from '../../state/selectors.ts';
import { drawerChanged } from '../../state/slices/ui.ts';
import { Avatar } from '../common/Avatar.tsx';
import { Icon } from '../common/Icon.tsx';

export function MemberPanel({ narrow }: { narrow: boolean }) {
  const { api, store } = useParley();
  const key = useAppState(selectActiveKey);
  const meta = useAppState(selectConversation(key));
  const members = useAppState(selectMembers(key));
  const selfId = useAppState((s) => (meta ? (s.servers[meta.server]?.self?.id ?? null) : null));
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
    <aside id="members" ref={ref} className="members" aria-labelledby="members-heading">
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
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
