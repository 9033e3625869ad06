/** The store conformance suite against memoryStore and sqliteStore (a real file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../../../server/testing/store-conformance';
import { memoryStore } from '../../../server/store/memory';
import { sqliteStore } from '../../../server/store/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'mak-sqlite-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memoryStore', () => runStoreConformance({ createStore: () => memoryStore(), test: it }));
describe('sqliteStore', () => runStoreConformance({ createStore: () => sqliteStore({ filename: join(dir, 'auth.sqlite') }), test: it }));
