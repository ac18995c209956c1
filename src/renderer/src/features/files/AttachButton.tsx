/** The composer's paperclip: opens the system's file picker (several files at once). */
import { useRef } from 'react';
import { useParley } from '../../hooks/use-parley.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { addFilesToTray } from './files-commands.ts';

export function AttachButton({
  conversation,
  disabled = false,
}: {
  conversation: ConversationKey;
  disabled?: boolean;
}) {
  const { store } = useParley();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="composer__attach"
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <Icon name="paperclip" />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          // Cleared, so that picking the same file again is a change too.
          event.target.value = '';
          addFilesToTray(store, conversation, files);
        }}
      />
    </>
  );
}
