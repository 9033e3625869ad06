/** `miniapp-auth-kit/server/sqlite`: the store for several processes on one machine (better-sqlite3). */
export { sqliteStore } from './store/sqlite';
export type { SqliteStoreOptions } from './store/sqlite';
