/** `miniapp-auth-kit/server/postgres`: the store for any number of machines (a `pg` Pool). */
export { postgresStore } from './store/postgres';
export type { PostgresStoreOptions, PgPoolLike, PgQueryable } from './store/postgres';
