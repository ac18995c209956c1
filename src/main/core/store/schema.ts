/** The schema version a database has once every migration ran (bench caches key on it). */
import { MIGRATIONS } from './migrations/index.ts';

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
