/** Messages in a conversation (a room or a DM): sending, history paging, the live event. */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS, MAX_HISTORY_PAGE } from '../constants.ts';
import { entityId, requestId, seq, wireString } from '../fields.ts';
import { MAX_FILES_PER_MESSAGE_CAP, type FileInfo } from './files.ts';

/** A stored message, as delivered live and in history. Exactly one of `room` / `to` is set. */
export interface ChatMessage {
  /** The room it was sent to. */
  room?: string;
  /** For a direct message: the recipient's user id (the sender is `from`). */
  to?: string;
  /** Per-conversation sequence number, 1, 2, 3 … with no gaps. */
  seq: number;
  /** Server time of acceptance, ms since the Unix epoch. */
  ts: number;
  from: string;
  fromName: string;
  /** May be empty when the message carries attachments. */
  text: string;
  msgId: string;
  /** Files sent with the message, in the sender's order (absent when none). */
  attachments?: FileInfo[];
}

/** A conversation is a room (by id) or the direct conversation with one user (by user id). */
const conversationTarget = {
  room: entityId.optional(),
  user: entityId.optional(),
};
const exactlyOneTarget = (f: { room?: string | undefined; user?: string | undefined }) =>
  (f.room === undefined) !== (f.user === undefined);
const targetMessage = { message: 'exactly one of room or user is required' };

export const historyFrame = z
  .object({
    type: z.literal('history'),
    id: requestId,
    ...conversationTarget,
    /** Page backwards: messages with seq < before, newest page first (returned oldest first). */
    before: seq.optional(),
    /** Page forwards: messages with seq > after (returned oldest first). */
    after: seq.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).optional(),
  })
  .refine(exactlyOneTarget, targetMessage)
  .refine((f) => f.before === undefined || f.after === undefined, { message: 'before and after exclude each other' });

export const sendFrame = z
  .object({
    type: z.literal('send'),
    id: requestId,
    ...conversationTarget,
    /** Client-chosen message id: sending the same msgId again never stores a second copy. */
    msgId: wireString().min(1).max(MAX_CLIENT_ID_CHARS),
    /** May be "" when `attachments` is not empty. */
    text: z.string(),
    /**
     * Ids of finished uploads of this sender to this conversation (file_upload); at most
     * `welcome.limits.files.maxFilesPerMessage` (too_many_files), each once.
     */
    attachments: z.array(entityId).min(1).max(MAX_FILES_PER_MESSAGE_CAP).optional(),
  })
  .refine(exactlyOneTarget, targetMessage);

export const MESSAGE_REQUESTS = { history: historyFrame, send: sendFrame } as const;

export interface MessageResults {
  history: { messages: ChatMessage[]; hasMore: boolean };
  send: { message: ChatMessage; duplicate: boolean };
}

export interface MessageEvent {
  type: 'message';
  message: ChatMessage;
}
