/** Sending: queued at once, also while reconnecting; the outcome arrives as an event. */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { ApiError } from '../../../../shared/api/proxy.ts';
import type { SessionContext } from './context.ts';

export function messageCalls(ctx: SessionContext): Pick<ParleyApiCalls, 'sendMessage'> {
  return {
    /**
     * Queues a message and resolves at once (the client resends it with the same msgId after a
     * reconnect). The stored message arrives as a `message` event; a refusal as `sendFailed`.
     * `attachments` are ids of finished uploads (beginUpload/writeUpload) to this conversation.
     */
    async sendMessage(key, target, text, msgId, attachments) {
      const entry = ctx.live.get(key);
      if (!entry || entry.status === 'failed') throw new ApiError('not_connected', `Not connected to ${key}`);
      entry.send(target, text, msgId, attachments);
    },
  };
}
