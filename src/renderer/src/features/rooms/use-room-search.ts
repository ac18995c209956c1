/**
 * Searching a server's rooms by name on the server, a page at a time: used when the browser has
 * not read every room (a classroom server with 1,000 rooms), so that the filter finds rooms that
 * were never loaded without reading them all.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { RoomInfo, RoomPage } from '../../../../shared/protocol/server-frames.ts';
import { errorMessage } from '../../lib/describe-error.ts';

/** Typing pauses this long before the server is asked: one request per word, not per key. */
export const SEARCH_DELAY_MS = 250;

export interface RoomSearch {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The query these results are for. */
  query: string;
  rooms: RoomInfo[];
  hasMore: boolean;
  error: string | null;
  loadMore(): void;
}

interface Results {
  query: string;
  rooms: RoomInfo[];
  next: string | null;
  status: RoomSearch['status'];
  error: string | null;
}

const NONE: Results = { query: '', rooms: [], next: null, status: 'idle', error: null };

/** Server-side search for `query` while `enabled` (otherwise idle: the caller filters what it has). */
export function useRoomSearch(api: ParleyApi, server: string, query: string, enabled: boolean): RoomSearch {
  const [results, setResults] = useState<Results>(NONE);
  const active = enabled && query !== '';

  useEffect(() => {
    if (!active) {
      setResults(NONE);
      return;
    }
    let current = true;
    setResults((r) => ({ ...r, status: 'loading', error: null }));
    const timer = setTimeout(() => {
      api.listRooms(server, { query }).then(
        (page) => current && setResults(fromPage(query, [], page)),
        (error: unknown) => current && setResults({ ...NONE, query, status: 'error', error: errorMessage(error) }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, server, query, active]);

  const loadMore = useCallback(() => {
    const { next, rooms } = results;
    if (next === null || results.status === 'loading') return;
    setResults((r) => ({ ...r, status: 'loading' }));
    api.listRooms(server, { query: results.query, after: next }).then(
      (page) => setResults((r) => (r.query === results.query ? fromPage(r.query, rooms, page) : r)),
      (error: unknown) =>
        setResults((r) => (r.query === results.query ? { ...r, status: 'error', error: errorMessage(error) } : r)),
    );
  }, [api, server, results]);

  return {
    status: results.status,
    query: results.query,
    rooms: results.rooms,
    hasMore: results.next !== null,
    error: results.error,
    loadMore,
  };
}

function fromPage(query: string, before: RoomInfo[], page: RoomPage): Results {
  return { query, rooms: [...before, ...page.rooms], next: page.next ?? null, status: 'ready', error: null };
}
