/**
 * The server's features, composed into the one request table. The `satisfies HandlerTable` below
 * is what makes a request type without a handler fail the build. Adding a feature: write
 * features/<name>.ts (a function of the context returning its requests and hooks), then add it
 * to `features` and spread its requests into `table` here (see ../README.md).
 */
import type { ServerContext } from '../context.ts';
import type { FatalFn, Feature, HandlerTable } from '../dispatcher.ts';
import { dmsFeature } from './dms.ts';
import { filesFeature } from './files.ts';
import { gamesFeature } from './games.ts';
import { historyFeature } from './history.ts';
import { messagesFeature } from './messages.ts';
import { roomsFeature } from './rooms.ts';
import { usersFeature } from './users.ts';

export interface ComposedFeatures {
  table: HandlerTable;
  /**
   * In registration order. Hooks run in reverse order on disconnect (like destructors): a
   * later feature still sees the rooms and the presence of the user it is told about.
   */
  features: Feature[];
}

export function composeFeatures(context: ServerContext, fatal: FatalFn): ComposedFeatures {
  const messages = messagesFeature(context);
  // Games first: rooms and users tell it who joined and who renamed (its hooks beyond onLeave).
  const games = gamesFeature(context);
  const rooms = roomsFeature(context, { roomCreated: messages.roomCreated, memberJoined: games.onJoin });
  const users = usersFeature(context, { fatal, welcomeRooms: rooms.welcomeRooms, renamed: games.onRename });
  const history = historyFeature(context);
  const dms = dmsFeature(context);
  const files = filesFeature(context);
  const table = {
    ...users.requests,
    ...rooms.requests,
    ...history.requests,
    ...messages.requests,
    ...dms.requests,
    ...files.requests,
    ...games.requests,
  } satisfies HandlerTable;
  return { table, features: [users, rooms, history, messages, dms, files, games] };
}
