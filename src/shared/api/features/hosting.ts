/** "Host a room": the room server this app runs (desktop only). */
import { z } from 'zod';

export const HOSTING_ARGS = {
  getHostStatus: z.tuple([]),
  startHosting: z.tuple([
    z.object({ port: z.number().int().min(0).max(65535).optional(), name: z.string().max(256).optional() }).strict(),
  ]),
  stopHosting: z.tuple([]),
} as const;

export type HostStatus = 'stopped' | 'starting' | 'running' | 'failed';

export interface HostView {
  status: HostStatus;
  name: string | null;
  port: number | null;
  /** The key of the hosted server in the server list, once running. */
  serverKey: string | null;
  error: string | null;
}

export interface HostingResults {
  getHostStatus: HostView;
  startHosting: HostView;
  stopHosting: HostView;
}

export interface HostingEvents {
  hostChanged: HostView;
}
