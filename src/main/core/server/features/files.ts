/** Files (docs/PROTOCOL.md §18): uploads, the transfer connections, attachments. Not built yet. */
import type { ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';

export function filesFeature(_context: ServerContext) {
  const requests = {
    file_upload: {
      access: 'user',
      handler({ fail }) {
        fail('internal', 'Files are not available on this server yet');
      },
    },
    file_cancel: {
      access: 'user',
      handler({ fail }) {
        fail('upload_not_found', 'No such upload');
      },
    },
  } satisfies FeatureRequests;
  return { requests };
}
