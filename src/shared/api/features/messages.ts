/** Messages of a conversation (room or DM): history pages, sending, delivery as events. */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS } from '../../protocol/constants.ts';
import type { ChatMessage, RequestResults } from '../../protocol/server-frames.ts';
import { MAX_FILES_PER_MESSAGE_CAP } from '../../protocol/features/files.ts';
import { conversationTarget, entityId, serverKey } from './fields.ts';

export const MESSAGE_ARGS = {
  /** Older history of a conversation: messages with seq < before. */
  loadOlder: z.tuple([serverKey, conversationTarget, z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)]),
  /** Latest page of a conversation (used when opening a DM). */
  loadLatest: z.tuple([serverKey, conversationTarget]),
  /**
   * Queues a message; resolves at once. The outcome arrives as a `message` event with the same
   * msgId (stored, with seq and ts) or a `sendFailed` event. Survives reconnects.
   */
  sendMessage: z.tuple([
    serverKey,
    conversationTarget,
    z.string().max(64_000),
    z.string().min(1).max(MAX_CLIENT_ID_CHARS),
    /** Ids of finished uploads (files.ts) the message carries; the text may then be "". */
    z.array(entityId).min(1).max(MAX_FILES_PER_MESSAGE_CAP).optional(),
  ]),
} as const;

export type HistoryPage = RequestResults['history'];

export interface MessageResults {
  loadOlder: HistoryPage;
  loadLatest: HistoryPage;
  sendMessage: void;
}

export interface MessageEvents {
  /**
   * A message in a conversation of that server: live, caught up after a reconnect (each once, in
   * order, before the server is reported connected), or our own confirmed.
   */
  message: { server: string; message: ChatMessage };
  sendFailed: { server: string; msgId: string; code: string; reason: string };
}
