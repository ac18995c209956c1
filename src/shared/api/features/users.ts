/** Other users on a server (the own name is a setting, see settings.ts). */
import type { UserRef } from '../../protocol/server-frames.ts';

export interface UserEvents {
  userRenamed: { server: string; user: UserRef; oldName: string };
}
