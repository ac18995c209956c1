/**
 * Write a message. Enter sends, Shift+Enter starts a new line; nothing is sent while an input
 * method (IME) is composing — its Enter confirms the composition. The text is checked as the
 * server checks it and the draft lives in the store, so switching conversations or losing the
 * connection loses nothing. Files (features/files) come from the paperclip, a paste or a drop
 * onto the conversation, wait in the tray above the input and go with the message on Enter.
 */
import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { checkMessageText, codePointLength } from '../../../../shared/text-rules.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { maxTextChars } from './limits.ts';
import { sendMessage } from './messages-commands.ts';
import { selectDraft, selectServer } from '../../state/selectors.ts';
import type { ConversationMeta } from '../conversations/conversations-slice.ts';
import { draftChanged } from '../conversations/conversations-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { AttachButton } from '../files/AttachButton.tsx';
import { ComposerTray } from '../files/ComposerTray.tsx';
import { addFilesToTray, sendWithFiles } from '../files/files-commands.ts';
import { EMPTY_TRAY } from '../files/files-slice.ts';
import { PlayButton } from '../games/GameButtons.tsx';

/** Show the remaining characters from this share of the limit on. */
const COUNT_FROM = 0.9;
const MAX_ROWS = 10;

/** True for the Enter that should send (not Shift+Enter, not while an IME is composing). */
export function isSendKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
  if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return false;
  // keyCode 229: the key went to an IME (Safari ends composition before keydown; this catches it).
  return !event.nativeEvent.isComposing && event.keyCode !== 229;
}

const supportsFieldSizing =
  typeof CSS !== 'undefined' && typeof CSS.supports === 'function' && CSS.supports('field-sizing', 'content');

/**
 * Grows the textarea with its content. CSS `field-sizing: content` does it where supported; else
 * the `rows` attribute is set from the measured height (no inline style: the CSP forbids them).
 */
function useAutosizeRows(ref: React.RefObject<HTMLTextAreaElement | null>, value: string): void {
  useLayoutEffect(() => {
    const textarea = ref.current;
    if (supportsFieldSizing || !textarea) return;
    textarea.rows = 1;
    while (textarea.rows < MAX_ROWS && textarea.scrollHeight > textarea.clientHeight) textarea.rows += 1;
  }, [ref, value]);
}

export function Composer({ meta }: { meta: ConversationMeta }) {
  const { api, store } = useParley();
  const draft = useAppState(selectDraft(meta.key));
  const server = useAppState(selectServer(meta.server));
  const tray = useAppState((s) => s.trays[meta.key] ?? EMPTY_TRAY);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const max = maxTextChars(server);
  const length = codePointLength(draft);
  const over = length - max;
  useAutosizeRows(textarea, draft);

  // Opening a conversation puts the cursor here (not on touch screens: no surprise keyboard).
  useEffect(() => {
    if (typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches) return;
    textarea.current?.focus();
  }, [meta.key]);

  function send() {
    if (tray.length > 0) {
      // With files the text is optional; what there is is checked as usual.
      const check = draft.trim() === '' ? { ok: true as const, value: '' } : checkMessageText(draft, max);
      if (!check.ok) {
        setProblem(check.reason);
        return;
      }
      setProblem(null);
      sendWithFiles(api, store, meta.key, check.value);
      return;
    }
    const check = checkMessageText(draft, max);
    if (!check.ok) {
      // An empty composer just does nothing; other problems are explained.
      setProblem(draft.trim() === '' ? null : check.reason);
      return;
    }
    setProblem(null);
    sendMessage(api, store, meta.key, check.value);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  /** A pasted image (a screenshot, a copied file) joins the tray; pasted text stays text. */
  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    if ((event.clipboardData.getData('text/plain') ?? '') === '') event.preventDefault();
    addFilesToTray(store, meta.key, files);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!isSendKey(event)) return;
    event.preventDefault();
    send();
  }

  const placeholder = meta.kind === 'room' ? `Message #${meta.title}` : `Message ${meta.title}`;
  let hint: string;
  let hintClass = 'composer__hint';
  if (problem !== null) {
    hint = problem;
    hintClass += ' composer__hint--error';
  } else if (over > 0) {
    hint = `${over} ${over === 1 ? 'character' : 'characters'} over the limit of ${max}.`;
    hintClass += ' composer__hint--error';
  } else if (length >= max * COUNT_FROM) {
    hint = `${max - length} characters left.`;
    hintClass += ' composer__hint--warning';
  } else {
    hint = 'Enter to send · Shift+Enter for a new line';
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      <ComposerTray conversation={meta.key} />
      <div className="composer__box">
        <AttachButton conversation={meta.key} />
        <label className="visually-hidden" htmlFor={`${hintId}-input`}>
          {placeholder}
        </label>
        <textarea
          id={`${hintId}-input`}
          ref={textarea}
          className="composer__input"
          rows={1}
          placeholder={placeholder}
          value={draft}
          aria-describedby={hintId}
          aria-invalid={over > 0 || problem !== null ? true : undefined}
          onChange={(event) => {
            draftChanged(store, meta.key, event.target.value);
            if (problem !== null) setProblem(null);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <PlayButton meta={meta} />
        <button
          type="submit"
          className="composer__send"
          aria-label="Send message"
          disabled={(draft.trim() === '' && tray.length === 0) || over > 0}
        >
          <Icon name="send" />
        </button>
      </div>
      <p id={hintId} className={hintClass} aria-live={problem !== null || over > 0 ? 'polite' : 'off'}>
        {hint}
      </p>
    </form>
  );
}
