/** One room in the browser: name, topic, members, last activity, Join/Open. */
import type { RoomInfo } from '../../../../shared/protocol/server-frames.ts';
import { useParley } from '../../hooks/use-parley.ts';
import { formatFullDate, formatRelative } from '../../lib/format-time.ts';
import { openRoom } from './rooms-commands.ts';
import { Icon } from '../../components/common/Icon.tsx';

export function RoomRow({
  server,
  room,
  joined,
  now,
}: {
  server: string;
  room: RoomInfo;
  joined: boolean;
  now: number;
}) {
  const { api, store } = useParley();
  return (
    <li className="room-row">
      <span className="room-row__icon">
        <Icon name="hash" />
      </span>
      <div className="room-row__main">
        <h2 className="room-row__name">{room.name}</h2>
        {room.topic !== '' && <p className="room-row__topic">{room.topic}</p>}
        <p className="room-row__meta">
          <span>
            {room.members} {room.members === 1 ? 'member' : 'members'}
          </span>
          <span aria-hidden="true"> · </span>
          <time dateTime={new Date(room.lastActivity).toISOString()} title={formatFullDate(room.lastActivity)}>
            active {formatRelative(room.lastActivity, now)}
          </time>
        </p>
      </div>
      <button
        type="button"
        className={joined ? 'button button--small' : 'button button--small button--primary'}
        aria-label={`${joined ? 'Open' : 'Join'} ${room.name}`}
        onClick={() => void openRoom(api, store, server, room.id, room)}
      >
        {joined ? 'Open' : 'Join'}
      </button>
    </li>
  );
}
