/** The room's scoreboard: wins, draws and losses per person, from every stored game of the room. */
import { useEffect, useState } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { Avatar } from '../../components/common/Avatar.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import type { ConversationMeta } from '../conversations/conversations-slice.ts';
import { loadScores } from './games-commands.ts';

export function ScoreboardDialog({ meta, onClose }: { meta: ConversationMeta; onClose: () => void }) {
  const { api, store } = useParley();
  const scores = useAppState((s) => s.gameScores[meta.key]);
  const selfId = useAppState((s) => s.servers[meta.server]?.self?.id ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  // Fresh on every opening: games ended since the last time count too.
  useEffect(() => {
    let live = true;
    void loadScores(api, store, meta.server, meta.id).then((failed) => {
      if (!live) return;
      setProblem(failed);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [api, store, meta.server, meta.id]);

  return (
    <Dialog title="Scoreboard" description={`Tic-tac-toe in #${meta.title}`} onClose={onClose}>
      {problem !== null ? (
        <p className="field__error" role="alert">
          Could not load the scoreboard: {problem}
        </p>
      ) : scores === undefined ? (
        <p className="history-status" role="status">
          <Spinner /> Loading…
        </p>
      ) : scores.length === 0 ? (
        <p className="scoreboard__empty">No games played here yet. Press Play next to the message box to start one.</p>
      ) : (
        <table className="scoreboard" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">Player</th>
              <th scope="col">Wins</th>
              <th scope="col">Draws</th>
              <th scope="col">Losses</th>
            </tr>
          </thead>
          <tbody>
            {scores.map((row, index) => (
              <tr key={row.user.id} className={row.user.id === selfId ? 'scoreboard__row--self' : undefined}>
                <th scope="row">
                  <span className="scoreboard__player">
                    <span className="scoreboard__rank" aria-hidden="true">
                      {index + 1}
                    </span>
                    <Avatar id={row.user.id} name={row.user.name} size="sm" />
                    <bdi className="scoreboard__name">{row.user.name}</bdi>
                    {row.user.id === selfId && <span className="member__you">you</span>}
                  </span>
                </th>
                <td>{row.wins}</td>
                <td>{row.draws}</td>
                <td>{row.losses}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
