/** Rooms: create, list, join (with a page or a catch-up), leave, members; leaving on disconnect. */
import {
  DEFAULT_HISTORY_PAGE,
  DEFAULT_ROOM_PAGE,
  MAX_CATCH_UP,
  MAX_HISTORY_PAGE,
  WELCOME_ROOMS,
} from '../../../../shared/protocol/constants.ts';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import { checkRoomName, checkTopic, nameKey } from '../../../../shared/text-rules.ts';
import type { Connection, ConnectedUser } from '../connection.ts';
import { keepUser, roomInfo, userRef, type LeaveReason, type LiveRoom, type ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';
import { fitPage } from '../history-page.ts';
import { RoomIndex } from '../room-page.ts';

export interface RoomsHooks {
  roomCreated(roomId: string): void;
  /** `user` joined `room` (room_join, also when already in it): the games feature's "back". */
  memberJoined(room: LiveRoom, user: ConnectedUser): void;
}

export function roomsFeature(context: ServerContext, hooks: RoomsHooks) {
  const { store, fanout, rooms, config } = context;
  for (const room of store.listRooms()) rooms.set(room.id, { ...room, members: new Set() });
  const index = new RoomIndex(rooms);

  /** The welcome's rooms: the first few, never all of them (see room-page.ts). */
  const welcomeRooms = () => {
    const page = index.page({ limit: WELCOME_ROOMS })!;
    return { rooms: page.rooms, roomsHasMore: page.hasMore, roomCount: rooms.size };
  };
  const memberList = (room: LiveRoom): UserRef[] => {
    const members: UserRef[] = [];
    for (const member of room.members) if (member.user) members.push(userRef(member.user));
    return members;
  };

  function leave(room: LiveRoom, connection: Connection, user: ConnectedUser, reason: LeaveReason): void {
    room.members.delete(connection);
    connection.rooms.delete(room.id);
    context.notifyLeave(room, connection, user, reason);
    fanout.toRoom(room, { type: 'member_left', room: room.id, user: userRef(user), reason });
  }

  const requests = {
    room_create: {
      access: 'user',
      handler({ connection, user, frame, reply, fail }) {
        const name = checkRoomName(frame.name);
        if (!name.ok) return fail('room_name_invalid', name.reason);
        const topic = checkTopic(frame.topic ?? '');
        if (!topic.ok) return fail('topic_invalid', topic.reason);
        if (rooms.size >= config.limits.maxRooms) {
          return fail('room_limit', `This server holds at most ${config.limits.maxRooms} rooms`);
        }
        const stored = store.createRoom(name.value, nameKey(name.value), topic.value, user.id);
        if (!stored) return fail('room_exists', `A room called "${name.value}" already exists`);
        keepUser(context, user);
        const room: LiveRoom = { ...stored, members: new Set() };
        rooms.set(room.id, room);
        hooks.roomCreated(room.id);
        const info = roomInfo(room);
        reply({ room: info });
        fanout.toEach(context.presence.connections(), { type: 'room_created', room: info }, connection);
        context.log.info({ room: room.id, roomName: room.name }, 'room created');
        context.roomsChanged();
      },
    },
    room_list: {
      access: 'user',
      handler({ frame, reply, fail }) {
        const page = index.page({
          limit: frame.limit ?? DEFAULT_ROOM_PAGE,
          ...(frame.after !== undefined ? { after: frame.after } : {}),
          ...(frame.query !== undefined ? { query: frame.query } : {}),
        });
        // Rooms are never removed, so an unknown cursor was never a `next` of this server.
        if (!page) return fail('bad_request', '`after` names no room on this server');
        reply(page);
      },
    },
    room_join: {
      access: 'user',
      handler({ connection, user, frame, reply, fail }) {
        const room = rooms.get(frame.room);
        if (!room) return fail('room_not_found', 'No such room');
        if (!room.members.has(connection)) {
          keepUser(context, user);
          fanout.toRoom(room, { type: 'member_joined', room: room.id, user: userRef(user) });
          room.members.add(connection);
          connection.rooms.add(room.id);
        }
        const page =
          frame.since === undefined
            ? fitPage(store.latest(room.id, Math.min(frame.limit ?? DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE)), 'newest')
            : fitPage(store.after(room.id, frame.since, Math.min(frame.limit ?? MAX_CATCH_UP, MAX_CATCH_UP)), 'oldest');
        reply({ room: roomInfo(room), members: memberList(room), messages: page.messages, hasMore: page.hasMore });
        // After the reply: what the hook sends (a game's "back") follows the join for the joiner too.
        hooks.memberJoined(room, user);
      },
    },
    room_leave: {
      access: 'member',
      handler({ connection, user, room, reply }) {
        leave(room, connection, user, 'left');
        reply({});
      },
    },
    room_members: {
      access: 'member',
      handler({ room, reply }) {
        reply({ members: memberList(room) });
      },
    },
  } satisfies FeatureRequests;

  return {
    requests,
    welcomeRooms,
    onDisconnect(connection: Connection, user: ConnectedUser) {
      for (const roomId of connection.rooms) {
        const room = rooms.get(roomId);
        if (room) leave(room, connection, user, 'disconnected');
      }
      connection.rooms.clear();
    },
  };
}
