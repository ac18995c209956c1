/**
 * Who may download a file (docs/PROTOCOL.md §18.4): once a message carries it, whoever may read
 * that conversation (a member of the room, by its chat connection; one of the two people of a
 * direct conversation); before that, only its sender. Anyone else is told `file_not_found`,
 * exactly like for a file that does not exist, so ids leak nothing.
 */
import type { FileRow } from '../../store/file-records.ts';
import type { Presence } from '../presence.ts';

export function canReadFile(presence: Presence, userId: string, file: FileRow): boolean {
  if (file.messageSeq === undefined) return file.owner === userId;
  if (file.conv.startsWith('dm:')) {
    const [, a, b] = file.conv.split(':');
    return userId === a || userId === b;
  }
  return presence.connectionOf(userId)?.rooms.has(file.conv) ?? false;
}
