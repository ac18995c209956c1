/** The server list: servers connected, connecting, or remembered, and what happens to them. */
import { z } from 'zod';
import type { ServerLimits, UserRef } from '../../protocol/server-frames.ts';
import { serverKey } from './fields.ts';

export const SERVER_ARGS = {
  listServers: z.tuple([]),
  connectServer: z.tuple([
    z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) }).strict(),
  ]),
  disconnectServer: z.tuple([serverKey]),
  /** Removes a server from the recent list (disconnecting first). */
  forgetServer: z.tuple([serverKey]),
} as const;

/**
 * 'connecting' (first attempt) and 'reconnecting' last until the client has caught up on what
 * was missed: 'connected' means every missed message was already delivered as an event.
 */
export type ServerStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** A server in the server list: connected, connecting, or remembered from before. */
export interface ServerView {
  key: string;
  host: string;
  port: number;
  /** The server's own name once known (welcome), else the address. */
  name: string;
  serverId: string | null;
  status: ServerStatus;
  /** While reconnecting: when the next attempt starts (ms since epoch), for a countdown. */
  retryAt: number | null;
  /** Why it is failed/reconnecting, in words; code when the server said one. */
  error: { code: string; message: string } | null;
  /** Who we are on this server (when connected). */
  self: UserRef | null;
  /** The server's limits from its last welcome (text length, rate…); null before the first. */
  limits: ServerLimits | null;
  /** True for the server this app hosts. */
  hosted: boolean;
  /** Messages waiting for the server's acknowledgement (kept across reconnects). */
  unsent: number;
  lastConnected: number | null;
}

export interface ServerResults {
  listServers: ServerView[];
  connectServer: ServerView;
  disconnectServer: void;
  forgetServer: void;
}

export interface ServerEvents {
  /** A server's view changed (status, name, self, unsent count…), or a server was added. */
  serverChanged: ServerView;
  serverRemoved: { key: string };
  /**
   * Something the user should be told about a server that is not an error of a call: e.g. code
   * `name_taken` when a reconnect got in under a variant of the name ("Ada (2)") because someone
   * else now uses it, or was refused for that reason and keeps trying. `message` is in words.
   */
  notice: { server: string; code: string; message: string };
}
