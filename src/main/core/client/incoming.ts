/**
 * The frames the client acts on, as one union narrowed by `type`. The server is trusted to send
 * well-formed frames of the types it names (it is our peer on the protocol, not user input); the
 * decoder has already checked that a frame is a JSON object with a string `type`.
 */
import type { ParsedFrame } from '../framing/frame-codec.ts';
import type {
  ErrorFrame,
  GameEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MessageEvent,
  RoomCreatedEvent,
  ServerPing,
  UserRenamedEvent,
  WelcomeFrame,
} from '../../../shared/protocol/server-frames.ts';

/**
 * The welcome as this client reads it. `requestedName` (protocol agreement for issue 8): a
 * resuming user whose name is now held by someone else got in under a variant ("Ada (2)");
 * this is the name the hello asked for. Older servers never send it.
 */
export type Welcome = WelcomeFrame & { requestedName?: string };

export type IncomingFrame =
  | Welcome
  | ErrorFrame
  | ServerPing
  | MessageEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | UserRenamedEvent
  | RoomCreatedEvent
  | GameEvent;

const KNOWN_TYPES = new Set<string>([
  'welcome',
  'error',
  'ping',
  'message',
  'member_joined',
  'member_left',
  'user_renamed',
  'room_created',
  'game',
] satisfies IncomingFrame['type'][]);

/** Frames of a type this client knows; others (from a newer server) are ignored. */
export function isIncoming(frame: ParsedFrame): frame is ParsedFrame & IncomingFrame {
  return KNOWN_TYPES.has(frame.type);
}
