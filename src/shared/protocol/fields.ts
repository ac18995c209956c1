/**
 * Field schemas shared by several features' frames. Every string bound counts Unicode code points
 * (zod 4 measures strings that way), as docs/PROTOCOL.md §2 says; text-rules.ts applies the exact
 * rules for names, topics and message text so that the error code says precisely what is wrong.
 */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS, MAX_NAME_CHARS } from './constants.ts';

/**
 * A string that can be stored and echoed as sent: a lone surrogate (from a JSON escape such as
 * "\ud800") has no UTF-8 form, so SQLite or the echo would turn it into U+FFFD (and two
 * different strings into one). Every string field of a client frame is one of these, except names,
 * topics and message text: text-rules.ts refuses lone surrogates there with its own precise codes
 * (name_invalid, topic_invalid, text_invalid). test/store-faults.test.ts checks every field.
 */
export const wireString = () =>
  z.string().refine((s) => s.isWellFormed(), { message: 'contains an unpaired surrogate' });

/** A request id chosen by the client, echoed back as `re` in the one reply. */
export const requestId = z.union([wireString().min(1).max(MAX_CLIENT_ID_CHARS), z.number().int().safe()]);
export type RequestId = z.infer<typeof requestId>;

/** A display name before the exact rules of text-rules.ts (loose pre-bound: 8 × the limit). */
export const displayName = z.string().max(MAX_NAME_CHARS * 8);
/** A server-issued id (user, room) as a client sends it back. */
export const entityId = wireString().min(1).max(64);
export const seq = z.number().int().nonnegative().safe();
