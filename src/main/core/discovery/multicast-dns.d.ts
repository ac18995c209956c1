/**
 * Types for `multicast-dns` (7.x), the mDNS transport bonjour-service is built on, which ships
 * none. Only what mdns-transport.ts uses. Decoded packets come from the network: every field is
 * typed as what a well-formed packet holds, and the code that reads them still checks.
 */
declare module 'multicast-dns' {
  import type { EventEmitter } from 'node:events';
  import type { RemoteInfo, Socket } from 'node:dgram';

  namespace multicastDns {
    interface Question {
      name: string;
      type: string;
      /** 'IN'; a question with the unicast-response bit decodes as 'UNKNOWN_32769'. */
      class?: string;
    }
    interface ResourceRecord {
      name: string;
      type: string;
      ttl?: number;
      class?: string;
      /** The cache-flush bit (a unique record replaces what caches hold for its name and type). */
      flush?: boolean;
      data?: unknown;
    }
    interface Packet {
      id?: number;
      type?: 'query' | 'response';
      flags?: number;
      rcode?: string;
      opcode?: string;
      questions?: Question[];
      answers?: ResourceRecord[];
      authorities?: ResourceRecord[];
      additionals?: ResourceRecord[];
    }
    interface Target {
      address?: string;
      host?: string;
      port: number;
    }
    interface Options {
      port?: number;
      type?: 'udp4' | 'udp6';
      ip?: string;
      /** Interface address: multicast is joined and sent on it. */
      interface?: string;
      /** Address to bind (default: `interface`); false: do not bind. */
      bind?: string | false;
      reuseAddr?: boolean;
      loopback?: boolean;
      ttl?: number;
      multicast?: boolean;
      socket?: Socket;
    }
    interface Instance extends EventEmitter {
      send(packet: Packet, target: Target | null, callback?: (error?: Error | null) => void): void;
      respond(packet: Packet, target?: Target | null, callback?: (error?: Error | null) => void): void;
      query(packet: Packet, target?: Target | null, callback?: (error?: Error | null) => void): void;
      update(): void;
      destroy(callback?: () => void): void;
      on(event: 'query' | 'response' | 'packet', listener: (packet: Packet, rinfo: RemoteInfo) => void): this;
      on(event: 'ready' | 'networkInterface', listener: () => void): this;
      on(event: 'error' | 'warning', listener: (error: Error) => void): this;
      once(event: 'ready', listener: () => void): this;
      once(event: 'error', listener: (error: Error) => void): this;
      off(event: string, listener: (...args: never[]) => void): this;
    }
  }

  function multicastDns(options?: multicastDns.Options): multicastDns.Instance;
  export = multicastDns;
}
