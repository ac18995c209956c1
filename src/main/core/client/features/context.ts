/**
 * What a feature's methods (features/*.ts) get from the client: typed requests, the catch-up
 * owner, the outbox, the transfer link and a few facts. parley-client.ts builds one per client and installs every
 * feature's methods on it.
 */
import type { ClientFrame } from '../../../../shared/protocol/client-frames.ts';
import type { RequestResults, RequestType } from '../../../../shared/protocol/server-frames.ts';
import type { Outbox } from '../outbox.ts';
import type { CatchUp } from '../resume.ts';
import type { TransferLink } from '../transfer/transfer-socket.ts';

export type RequestArgs<T extends RequestType> = Omit<ClientFrame<T>, 'type' | 'id'>;

export interface ClientContext {
  /** Sends a request; `onResult` runs as the reply is read, before any later frame. */
  request<T extends RequestType>(
    type: T,
    args: RequestArgs<T>,
    onResult?: (result: RequestResults[T]) => void,
  ): Promise<RequestResults[T]>;
  readonly catchUp: CatchUp;
  readonly outbox: Outbox;
  /** How transfer connections (file bytes) reach the same server as this client. */
  readonly transfer: TransferLink;
  /** The client was closed for good. */
  isClosed(): boolean;
  /** The name to say hello with next time (after a rename). */
  setName(name: string): void;
}
