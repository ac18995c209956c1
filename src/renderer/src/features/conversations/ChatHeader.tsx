/** The conversation's title and topic, with the member list toggle and Leave / Close. */
import { NARROW_QUERY, useMediaQuery } from '../../hooks/use-media-query.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { closeDm } from '../dms/dms-commands.ts';
import { leaveRoom } from '../rooms/rooms-commands.ts';
import { selectMembers } from '../../state/selectors.ts';
import type { ConversationMeta } from './conversations-slice.ts';
import { drawerChanged, membersToggled } from '../../state/ui-slice.ts';
import { TopBar } from '../../components/app/TopBar.tsx';
import { Avatar } from '../../components/common/Avatar.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { ScoreboardButton } from '../games/GameButtons.tsx';

export function ChatHeader({ meta }: { meta: ConversationMeta }) {
  const { api, store } = useParley();
  const narrow = useMediaQuery(NARROW_QUERY);
  const members = useAppState(selectMembers(meta.key));
  const membersShown = useAppState((s) => (narrow ? s.drawer === 'members' : s.showMembers));
  const isRoom = meta.kind === 'room';

  const actions = (
    <>
      {isRoom && <ScoreboardButton conversation={meta.key} />}
      {isRoom && (
        <button
          type="button"
          className="icon-button icon-button--with-count"
          // The visible count must be part of the name (WCAG label in name; axe ignores "(5)").
          aria-label={`${membersShown ? 'Hide' : 'Show'} members, ${members.length}`}
          aria-pressed={membersShown}
          aria-controls={membersShown ? 'members' : undefined}
          onClick={() => (narrow ? drawerChanged(store, membersShown ? 'none' : 'members') : membersToggled(store))}
        >
          <Icon name="users" />
          <span className="icon-button__count">{members.length}</span>
        </button>
      )}
      {isRoom ? (
        <button
          type="button"
          className="icon-button"
          aria-label={`Leave ${meta.title}`}
          title="Leave room"
          onClick={() => void leaveRoom(api, store, meta.key)}
        >
          <Icon name="logout" />
        </button>
      ) : (
        <button
          type="button"
          className="icon-button"
          aria-label="Close this conversation"
          title="Close conversation"
          onClick={() => closeDm(store, meta.key)}
        >
          <Icon name="close" />
        </button>
      )}
    </>
  );

  return (
    <TopBar actions={actions}>
      {isRoom ? <Icon name="hash" className="topbar__icon" /> : <Avatar id={meta.id} name={meta.title} size="sm" />}
      <div className="topbar__titles">
        <h1 className="topbar__heading" tabIndex={-1}>
          {meta.title}
        </h1>
        {meta.topic !== '' && <p className="topbar__topic">{meta.topic}</p>}
      </div>
    </TopBar>
  );
}
