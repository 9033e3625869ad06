/** The store conformance suite against postgresStore on a real PostgreSQL database. */
import { runStoreConformance } from '../../../server/testing/store-conformance';
import { postgresStore } from '../../../server/store/postgres';
import { describePg, freshDatabase, type TestDatabase } from '../support/pg';

describePg('postgresStore', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db?.drop());
  runStoreConformance({ createStore: () => postgresStore({ pool: db.pool(10) }), test: it });
});
