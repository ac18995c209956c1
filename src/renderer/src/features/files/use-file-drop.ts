/**
 * Drag and drop of files onto a conversation: while files are dragged over it the overlay shows;
 * dropping puts them in the composer's tray (checked against the server's limits like any).
 * Dragged text or links are left to the browser.
 */
import { useRef, useState, type DragEvent } from 'react';
import { useParley } from '../../hooks/use-parley.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { addFilesToTray } from './files-commands.ts';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function useFileDrop(conversation: ConversationKey) {
  const { store } = useParley();
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them so the overlay does not flicker.
  const depth = useRef(0);
  const handlers = {
    onDragEnter(event: DragEvent) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current++;
      setDragging(true);
    },
    onDragOver(event: DragEvent) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(event: DragEvent) {
      if (!carriesFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop(event: DragEvent) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      addFilesToTray(store, conversation, Array.from(event.dataTransfer?.files ?? []));
    },
  };
  return { dragging, handlers };
}
