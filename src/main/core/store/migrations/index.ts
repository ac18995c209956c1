/** Every schema migration, in order. Add the next one at the end (see ../README.md). */
import { initial } from './001-initial.ts';
import { userKept } from './002-user-kept.ts';
import { roomActivityDerived } from './003-room-activity-derived.ts';
import { files } from './004-files.ts';
import { games } from './005-games.ts';
import type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [initial, userKept, roomActivityDerived, files, games];
