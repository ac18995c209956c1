/**
 * Argument schemas shared by several features. Bounds are generous (the server applies the exact
 * rules) but finite: IPC and WebSocket input is untrusted too.
 */
import { z } from 'zod';

/** Identifies one server the user is connected to (or remembers): "host:port". */
export const serverKey = z.string().min(1).max(300);
export const entityId = z.string().min(1).max(64);
export const conversationTarget = z.union([
  z.object({ room: entityId }).strict(),
  z.object({ user: entityId }).strict(),
]);
export type ConversationTarget = z.infer<typeof conversationTarget>;
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
