/** Create a room (name + optional topic), checked as the server checks them; then join it. */
import { useState, type FormEvent } from 'react';
import { MAX_ROOM_NAME_CHARS, MAX_TOPIC_CHARS } from '../../../../shared/protocol/constants.ts';
import { checkRoomName, checkTopic } from '../../../../shared/text-rules.ts';
import { useParley } from '../../hooks/use-parley.ts';
import { useSubmission } from '../../hooks/use-submission.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';
import { createAndOpenRoom } from './rooms-commands.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { Field } from '../../components/common/Field.tsx';
import { FormActions } from '../../components/common/FormActions.tsx';

export function CreateRoomDialog({ server, onClose }: { server: string; onClose: () => void }) {
  const { api, store } = useParley();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, problem, setProblem, run } = useSubmission((caught) =>
    errorCode(caught) === 'room_exists' ? 'A room with this name already exists.' : errorMessage(caught),
  );
  const nameCheck = checkRoomName(name);
  const topicCheck = checkTopic(topic);
  const nameError = problem ?? (touched && !nameCheck.ok ? nameCheck.reason : null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!nameCheck.ok || !topicCheck.ok) return;
    await run(async () => {
      await createAndOpenRoom(api, store, server, nameCheck.value, topicCheck.value);
      onClose();
    });
  }

  return (
    <Dialog title="Create a room" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Name"
          name="roomName"
          placeholder="e.g. general"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            setProblem(null);
            setTouched(true);
          }}
          error={nameError}
          hint={`Up to ${MAX_ROOM_NAME_CHARS} characters.`}
        />
        <Field
          label="Topic (optional)"
          name="topic"
          placeholder="What is this room about?"
          value={topic}
          onChange={(event) => setTopic(event.target.value)}
          error={topicCheck.ok ? null : topicCheck.reason}
          hint={`Up to ${MAX_TOPIC_CHARS} characters.`}
        />
        <FormActions onCancel={onClose} busy={busy} label="Create room" busyLabel="Creating…" />
      </form>
    </Dialog>
  );
}
