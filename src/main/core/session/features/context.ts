/**
 * What the per-feature calls (features/*.ts) get from the session. session-manager.ts builds one
 * per session and merges every feature's calls into the session object.
 */
import type { AppInfo, ServerView } from '../../../../shared/api/contract.ts';
import type { ParleyClient } from '../../client/parley-client.ts';
import type { Downloads } from '../downloads.ts';
import type { Hosting } from '../hosting.ts';
import type { LiveServer } from '../live-server.ts';
import type { MediaOptions } from '../media.ts';
import type { Nearby } from '../nearby.ts';
import type { Emit } from '../server-events.ts';
import type { ServerList } from '../server-list.ts';
import type { UploadWriters } from '../upload-writers.ts';

export interface SessionContext {
  readonly app: AppInfo;
  /** When set, connectServer accepts only this address (the browser build is no open proxy). */
  readonly allowedServer: { host: string; port: number } | undefined;
  readonly servers: ServerList;
  /** Servers with a live client, by key. */
  readonly live: ReadonlyMap<string, LiveServer>;
  readonly hosting: Hosting;
  readonly nearby: Nearby;
  /** The open transfer connections of the uploads the UI drives. */
  readonly uploads: UploadWriters;
  /** Desktop downloads into a folder; undefined without `options.desktop` (the browser build). */
  readonly downloads: Downloads | undefined;
  /** The embedder's media options (mediaUrl, desktop). */
  readonly media: MediaOptions;
  readonly emit: Emit;
  /** Throws ApiError 'closed' once the session was closed. */
  assertOpen(): void;
  /** Connects (or returns the existing connection) and waits for the first attempt to settle. */
  connect(host: string, port: number): Promise<ServerView>;
  /** Closes a live client for good; its server stays remembered (idle). */
  drop(entry: LiveServer): void;
  view(key: string): ServerView;
  /** Runs a request on a connected server (ApiError not_connected if it is not). */
  request<T>(key: string, run: (client: ParleyClient) => Promise<T>): Promise<T>;
}
