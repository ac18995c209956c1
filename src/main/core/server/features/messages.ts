/**
 * `send`: numbering a message in its conversation and queueing it in the tick batch (fanout.ts
 * commits and delivers it). Resends of a msgId are answered with the first outcome.
 */
import type { ChatMessage, FileInfo } from '../../../../shared/protocol/server-frames.ts';
import { fileInfo } from '../../store/file-records.ts';
import { checkMessageText } from '../../../../shared/text-rules.ts';
import type { ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';
import { resolveConversation } from './conversation.ts';
import { SequenceCache } from './sequence-cache.ts';

export function messagesFeature(context: ServerContext) {
  const { store, fanout, config } = context;
  const seqs = new SequenceCache((conv) => store.lastSeq(conv), config.limits.maxCachedDmConversations);
  for (const room of context.rooms.values()) seqs.setRoom(room.id, room.lastSeq);
  /** Files attached by messages of the pending batch (a file is carried by one message). */
  const claimed = new Set<string>();
  fanout.onCommitted = (refused) => {
    seqs.committed(refused);
    claimed.clear();
  };

  /**
   * The attachments of a send, or why not: each a finished upload of this sender to this
   * conversation, not carried by another message, named once, at most maxFilesPerMessage.
   */
  function attachmentsOf(
    ids: readonly string[],
    sender: string,
    conv: string,
  ): FileInfo[] | { code: 'too_many_files' | 'file_not_ready'; reason: string } {
    const max = config.limits.maxFilesPerMessage;
    if (ids.length > max) return { code: 'too_many_files', reason: `At most ${max} files per message` };
    const files: FileInfo[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      const row = seen.has(id) || claimed.has(id) ? undefined : store.files.fileById(id);
      if (!row || row.owner !== sender || row.conv !== conv || row.messageSeq !== undefined) {
        return { code: 'file_not_ready', reason: `${id} is not a finished upload of yours to this conversation` };
      }
      seen.add(id);
      files.push(fileInfo(row));
    }
    return files;
  }

  const requests = {
    send: {
      access: 'user',
      batched: true,
      handler({ connection, user, frame, reply, fail }) {
        // A resend of a msgId still in this tick's batch shares its outcome.
        const dedupKey = `${user.id}\n${frame.msgId}`;
        const pending = fanout.queued(dedupKey);
        if (pending) {
          pending.duplicates.push({ connection, re: frame.id });
          return;
        }
        // A resend of a stored msgId is answered with the stored message, never with an error, so
        // that a client resending after a reconnect always learns the outcome of its first attempt.
        // Checking the store costs a read per message, so a valid send does not: the insert itself
        // detects a stored msgId (the store reports it, fanout.ts answers `duplicate: true`), and
        // only a send about to be refused is looked up first.
        const failUnlessResend: typeof fail = (code, reason) => {
          const stored = store.findByMsgId(user.id, frame.msgId);
          if (stored) reply({ message: stored, duplicate: true });
          else fail(code, reason);
        };
        const conv = resolveConversation(context, connection, user, frame, failUnlessResend);
        if (!conv) return;
        let attachments: FileInfo[] | undefined;
        if (frame.attachments) {
          const checked = attachmentsOf(frame.attachments, user.id, conv.key);
          if (!Array.isArray(checked)) {
            failUnlessResend(checked.code, checked.reason);
            return;
          }
          attachments = checked;
        }
        // With files, the text may be empty.
        const text =
          attachments && frame.text.trim() === ''
            ? ({ ok: true, value: '' } as const)
            : checkMessageText(frame.text, config.limits.maxTextChars);
        if (!text.ok) {
          failUnlessResend(text.code, text.reason);
          return;
        }
        const message: ChatMessage = {
          seq: seqs.next(conv.key, conv.room !== undefined),
          ts: Date.now(),
          from: user.id,
          fromName: user.name,
          text: text.value,
          msgId: frame.msgId,
        };
        if (attachments) {
          message.attachments = attachments;
          for (const file of attachments) claimed.add(file.id);
        }
        if (conv.room) message.room = conv.room.id;
        else message.to = conv.peer!.id;
        fanout.add(dedupKey, { message, sender: connection, re: frame.id, duplicates: [] });
      },
    },
  } satisfies FeatureRequests;
  return {
    requests,
    /** A room created now starts at seq 0 (no lookup needed). */
    roomCreated(roomId: string) {
      seqs.setRoom(roomId, 0);
    },
  };
}
