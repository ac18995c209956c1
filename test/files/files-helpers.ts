/** Shared steps of the file tests: a user on the chat connection, a room, an upload asked for. */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RawClient } from '../support/harness.ts';
import type { ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { upload, type Credentials } from '../support/transfer-wire.ts';

export interface ChatUser {
  chat: RawClient;
  welcome: ParsedFrame;
  credentials: Credentials;
  id: string;
}

export async function chatUser(port: number, name: string): Promise<ChatUser> {
  const { client, welcome } = await RawClient.hello(port, name);
  const credentials = welcome['credentials'] as Credentials;
  return { chat: client, welcome, credentials, id: credentials.userId };
}

/** The server's transfer port, as its welcome names it. */
export function transferPortOf(user: ChatUser): number {
  const limits = user.welcome['limits'] as { files: { transferPort: number } };
  return limits.files.transferPort;
}

export async function createRoom(user: ChatUser, name = 'files'): Promise<string> {
  const reply = await user.chat.request({ type: 'room_create', name });
  const id = ((reply['data'] as Record<string, unknown>)['room'] as { id: string }).id;
  await user.chat.request({ type: 'room_join', room: id });
  return id;
}

export async function joinRoom(user: ChatUser, room: string): Promise<ParsedFrame> {
  return user.chat.request({ type: 'room_join', room });
}

/** file_upload; returns the whole reply frame (result or error). */
export function askUpload(user: ChatUser, fields: Record<string, unknown>): Promise<ParsedFrame> {
  return user.chat.request({ type: 'file_upload', key: `k-${randomBytes(6).toString('hex')}`, ...fields });
}

export function data(frame: ParsedFrame): Record<string, unknown> {
  if (frame.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(frame)}`);
  return frame['data'] as Record<string, unknown>;
}

/** Every blob file on disk (content-addressed, under files/blobs/xx/). */
export function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'files', 'blobs');
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)));
}

/** Asks for an upload and sends all of `content`; returns the file. */
export async function uploadFile(
  transferPort: number,
  user: ChatUser,
  target: Record<string, unknown>,
  content: Buffer,
  fields: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const asked = data(await askUpload(user, { name: 'file.bin', size: content.length, ...target, ...fields }));
  const { result } = await upload(transferPort, user.credentials, (asked['upload'] as { id: string }).id, content);
  if (result?.type !== 'upload_done') throw new Error(`upload failed: ${JSON.stringify(result)}`);
  return result['file'] as Record<string, unknown>;
}
