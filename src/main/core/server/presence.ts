/**
 * Who is connected: one connection per user id, and which connection holds each display name
 * (names are unique among connected users, compared by their case-folded key).
 */
import type { Connection, ConnectedUser } from './connection.ts';

export class Presence {
  private readonly byUser = new Map<string, Connection>();
  private readonly byNameKey = new Map<string, Connection>();

  /** The connection of a user, if connected. */
  connectionOf(userId: string): Connection | undefined {
    return this.byUser.get(userId);
  }

  /** The connected user holding a name key, if any. */
  nameHolder(nameKey: string): ConnectedUser | undefined {
    return this.byNameKey.get(nameKey)?.user;
  }

  /** Every authenticated connection. */
  connections(): IterableIterator<Connection> {
    return this.byUser.values();
  }

  /** Makes `connection` the one of its user and the holder of its name (replacing any older one). */
  claim(connection: Connection): void {
    const user = connection.user!;
    this.byUser.set(user.id, connection);
    this.byNameKey.set(user.nameKey, connection);
  }

  /** Moves the connection's name claim from `oldKey` to its user's current key. */
  renamed(connection: Connection, oldKey: string): void {
    if (this.byNameKey.get(oldKey) === connection) this.byNameKey.delete(oldKey);
    this.byNameKey.set(connection.user!.nameKey, connection);
  }

  /**
   * Releases what `connection` holds. True when it was its user's current connection (false
   * when a newer connection of the same user replaced it).
   */
  release(connection: Connection, user: ConnectedUser): boolean {
    if (this.byNameKey.get(user.nameKey) === connection) this.byNameKey.delete(user.nameKey);
    if (this.byUser.get(user.id) !== connection) return false;
    this.byUser.delete(user.id);
    return true;
  }
}
