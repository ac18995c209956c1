/**
 * Files (docs/PROTOCOL.md §18) on the chat connection: `file_upload` (every limit checked before a
 * byte is sent; the same key resumes the same upload or answers its file) and `file_cancel`. The
 * bytes travel on transfer connections (../transfer/), the rules of storage are ../../files/.
 */
import type { ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';
import { resolveConversation } from './conversation.ts';

export function filesFeature(context: ServerContext) {
  const { uploads, log } = context;
  const requests = {
    file_upload: {
      access: 'user',
      handler({ connection, user, frame, reply, fail }) {
        const conv = resolveConversation(context, connection, user, frame, fail);
        if (!conv) return;
        // Checking a thumbnail is asynchronous (its magic bytes); the reply follows when it is done.
        uploads
          .begin({
            owner: user.id,
            conv: conv.key,
            key: frame.key,
            name: frame.name,
            size: frame.size,
            thumb: frame.thumb,
            width: frame.width,
            height: frame.height,
          })
          .then(
            (result) => {
              if ('code' in result) fail(result.code, result.message);
              else reply(result);
            },
            (error: unknown) => {
              log.error({ err: error }, 'file_upload failed');
              fail('internal', 'The upload could not be started');
            },
          );
      },
    },
    file_cancel: {
      access: 'user',
      handler({ user, frame, reply, fail }) {
        const refused = uploads.cancel(user.id, frame.upload);
        if (refused) fail(refused.code, refused.message);
        else reply({});
      },
    },
  } satisfies FeatureRequests;
  return { requests };
}
