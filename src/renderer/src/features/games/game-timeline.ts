/**
 * Where games sit in a room's timeline: each at the time of its invitation, among the messages
 * by their time, and updated in place as it changes (its key is its id). The message list's
 * virtualizer needs `firstItemIndex` to drop by the number of items put in front of the first
 * one (older history, a game older than everything loaded), and nothing else.
 */
import { useRef } from 'react';
import type { GameEntry } from './games-slice.ts';

/** A game's place in the list: its card reads the game from the store by id. */
export interface GameListItem {
  kind: 'game';
  id: string;
  ts: number;
}

/** Orders games by invitation time, then id (a total order: the list never reshuffles). */
function byCreation(a: GameEntry, b: GameEntry): number {
  return a.game.createdAt - b.game.createdAt || (a.game.id < b.game.id ? -1 : a.game.id > b.game.id ? 1 : 0);
}

/**
 * `items` (in time order) with the room's games placed among them: a game goes before the first
 * item that is newer than its invitation. `timeOf` reads an item's time.
 */
export function withGames<T>(
  items: readonly T[],
  games: Readonly<Record<string, GameEntry>>,
  timeOf: (item: T) => number,
): (T | GameListItem)[] {
  const sorted = Object.values(games).sort(byCreation);
  if (sorted.length === 0) return items as T[];
  const merged: (T | GameListItem)[] = [];
  let g = 0;
  for (const item of items) {
    const time = timeOf(item);
    while (g < sorted.length && sorted[g]!.game.createdAt < time) merged.push(gameItem(sorted[g++]!));
    merged.push(item);
  }
  while (g < sorted.length) merged.push(gameItem(sorted[g++]!));
  return merged;
}

const gameItem = (entry: GameEntry): GameListItem => ({ kind: 'game', id: entry.game.id, ts: entry.game.createdAt });

/**
 * The list's `firstItemIndex`: the last one minus the number of items now in front of the item
 * that was first. When that item is gone (another conversation, a reload) it starts again from
 * the timeline's own index, less the games in front of its first item.
 */
export function useFirstItemIndex<T>(
  items: readonly T[],
  timelineFirstIndex: number,
  keyOf: (item: T) => string,
  isGame: (item: T) => boolean,
): number {
  const last = useRef<{ key: string; index: number } | null>(null);
  const first = items[0];
  if (first === undefined) {
    last.current = null;
    return timelineFirstIndex;
  }
  let index: number;
  const previous = last.current;
  const position = previous === null ? -1 : items.findIndex((item) => keyOf(item) === previous.key);
  if (previous !== null && position !== -1) {
    index = previous.index - position;
  } else {
    let leadingGames = 0;
    while (leadingGames < items.length && isGame(items[leadingGames]!)) leadingGames++;
    index = timelineFirstIndex - (leadingGames === items.length ? 0 : leadingGames);
  }
  last.current = { key: keyOf(first), index };
  return index;
}
