/**
 * Where games start: "Play" next to the message box, "Challenge to tic-tac-toe" on a member's
 * entry in the member list, and the scoreboard button of the room's header. The games dialog
 * (challenge or scoreboard) is rendered by the Play button, which every room view has, into
 * the page's body.
 */
import { createPortal } from 'react-dom';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationMeta } from '../conversations/conversations-slice.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { ChallengeDialog } from './ChallengeDialog.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { gameDialogClosed, gameDialogOpened } from './games-slice.ts';
import { ScoreboardDialog } from './ScoreboardDialog.tsx';

/** The composer's Play button (rooms only), and the games dialog of this room when open. */
export function PlayButton({ meta, disabled = false }: { meta: ConversationMeta; disabled?: boolean }) {
  const { store } = useParley();
  const dialog = useAppState((s) => s.gameDialog);
  if (meta.kind !== 'room') return null;
  const close = () => gameDialogClosed(store);
  return (
    <>
      <button
        type="button"
        className="composer__attach composer__play"
        aria-label="Play tic-tac-toe"
        title="Play tic-tac-toe"
        disabled={disabled}
        onClick={() => gameDialogOpened(store, { kind: 'challenge', conversation: meta.key, opponent: null })}
      >
        <Icon name="gamepad" />
      </button>
      {dialog?.conversation === meta.key &&
        // Out of the composer's <form> in the DOM: a form may not hold another.
        createPortal(
          dialog.kind === 'challenge' ? (
            <ChallengeDialog meta={meta} opponent={dialog.opponent} onClose={close} />
          ) : (
            <ScoreboardDialog meta={meta} onClose={close} />
          ),
          document.body,
        )}
    </>
  );
}

/** On a member's entry (not one's own): challenge them. */
export function ChallengeMemberButton({ conversation, user }: { conversation: ConversationKey; user: UserRef }) {
  const { store } = useParley();
  return (
    <button
      type="button"
      className="icon-button icon-button--small member-challenge"
      aria-label={`Challenge ${user.name} to tic-tac-toe`}
      title={`Challenge ${user.name} to tic-tac-toe`}
      onClick={() => gameDialogOpened(store, { kind: 'challenge', conversation, opponent: user.id })}
    >
      <Icon name="gamepad" />
    </button>
  );
}

/** The room header's scoreboard button. */
export function ScoreboardButton({ conversation }: { conversation: ConversationKey }) {
  const { store } = useParley();
  return (
    <button
      type="button"
      className="icon-button"
      aria-label="Scoreboard"
      title="Tic-tac-toe scoreboard"
      onClick={() => gameDialogOpened(store, { kind: 'scores', conversation })}
    >
      <Icon name="trophy" />
    </button>
  );
}
