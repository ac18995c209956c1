/** Sending messages, through the outbox (kept across reconnects, exactly once). */
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../../../shared/protocol/server-frames.ts';
import { ParleyError } from '../errors.ts';
import type { Target } from '../target.ts';
import type { ClientContext } from './context.ts';

export function messageMethods(ctx: ClientContext) {
  return {
    /**
     * Sends a message. It is kept until the server acknowledges it, across reconnects, and resent
     * with the same msgId, so it is stored and delivered exactly once. Resolves with the stored
     * message (server seq and timestamp); rejects if the server refuses it (e.g. text_too_long).
     * A second call with a msgId still queued settles with the first. `attachments` are ids of
     * finished uploads to this conversation (the text may then be "").
     */
    sendMessage(
      target: Target,
      text: string,
      msgId: string = randomUUID(),
      attachments?: readonly string[],
    ): Promise<ChatMessage> {
      if (ctx.isClosed()) return Promise.reject(new ParleyError('closed', 'The client was closed'));
      return ctx.outbox.add(target, text, msgId, attachments && attachments.length > 0 ? [...attachments] : undefined);
    },
  };
}

export type MessageMethods = ReturnType<typeof messageMethods>;
