/**
 * Challenge a member of the room to tic-tac-toe: whom (the room's other members), and which
 * side you take — X (moves first), O, or drawn at random. The server checks the rest (they are
 * still here, neither of you is busy) and its refusal shows in words under the form.
 */
import { useId, useState, type FormEvent } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { selectMembers } from '../../state/selectors.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { FormActions } from '../../components/common/FormActions.tsx';
import type { ConversationMeta } from '../conversations/conversations-slice.ts';
import { Mark } from './Mark.tsx';
import { challenge, type GameSide } from './games-commands.ts';

const SIDES: { value: GameSide; label: string; hint: string }[] = [
  { value: 'x', label: 'X', hint: 'moves first' },
  { value: 'o', label: 'O', hint: 'moves second' },
  { value: 'random', label: 'Random', hint: 'a coin toss' },
];

export function ChallengeDialog({
  meta,
  opponent: initialOpponent,
  onClose,
}: {
  meta: ConversationMeta;
  opponent: string | null;
  onClose: () => void;
}) {
  const { api, store } = useParley();
  const members = useAppState(selectMembers(meta.key));
  const selfId = useAppState((s) => s.servers[meta.server]?.self?.id ?? null);
  const others = members.filter((m) => m.id !== selfId);
  const [opponent, setOpponent] = useState(initialOpponent ?? others[0]?.id ?? '');
  const [side, setSide] = useState<GameSide>('x');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const selectId = useId();
  const problemId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    // React passes events up its own tree, portals included: not on to the composer's form.
    event.stopPropagation();
    if (!others.some((m) => m.id === opponent)) {
      setProblem('Choose who to play against.');
      return;
    }
    setBusy(true);
    const failed = await challenge(api, store, meta.server, meta.id, opponent, side);
    setBusy(false);
    if (failed === null) onClose();
    else setProblem(failed);
  }

  return (
    <Dialog
      title="Play tic-tac-toe"
      description={`Challenge someone in #${meta.title}. Everyone in the room can watch.`}
      onClose={onClose}
    >
      <form className="form challenge" onSubmit={submit} noValidate>
        {others.length === 0 ? (
          <p className="challenge__empty">Nobody else is in the room right now.</p>
        ) : (
          <div className="field">
            <label className="field__label" htmlFor={selectId}>
              Opponent
            </label>
            <select
              id={selectId}
              className="input challenge__select"
              value={opponent}
              aria-describedby={problem ? problemId : undefined}
              onChange={(event) => {
                setOpponent(event.target.value);
                setProblem(null);
              }}
            >
              {others.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset className="challenge__sides">
          <legend className="field__label">You play</legend>
          <div className="challenge__options">
            {SIDES.map((option) => (
              <label key={option.value} className="challenge__option">
                <input
                  type="radio"
                  name="side"
                  value={option.value}
                  checked={side === option.value}
                  onChange={() => setSide(option.value)}
                />
                <span className="challenge__option-box">
                  {option.value === 'random' ? (
                    <span className="challenge__dice" aria-hidden="true">
                      <Mark side="x" />
                      <Mark side="o" />
                    </span>
                  ) : (
                    <Mark side={option.value} />
                  )}
                  <span className="challenge__option-label">{option.label}</span>
                  <span className="challenge__option-hint">{option.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {problem !== null && (
          <p id={problemId} className="field__error" role="alert">
            {problem}
          </p>
        )}
        <FormActions onCancel={onClose} busy={busy} label="Send challenge" busyLabel="Sending…" />
      </form>
    </Dialog>
  );
}
