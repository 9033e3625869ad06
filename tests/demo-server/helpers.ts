/**
 * Shared helpers of the demo-server tests: loading the server's ES modules, temp dirs, signed raw calls.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { nativeImport } from '../support/native-import';

const SERVER_DIR = path.resolve(__dirname, '../../demo-miniapp/server');

/** Loads `demo-miniapp/server/<name>`. */
export function loadServerModule(name: string): Promise<any> {
  return nativeImport(pathToFileURL(path.join(SERVER_DIR, name)).href);
}

/** Loads an ES module of the repository by its path from the root, e.g. `bench/backend.mjs`. */
export function loadRepoModule(fromRoot: string): Promise<any> {
  return nativeImport(pathToFileURL(path.resolve(__dirname, '../..', fromRoot)).href);
}

export function tempDir(prefix = 'demo-server-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A settable clock: `clock.now()` for the servers, `clock.advance(ms)` in the test. */
export function makeClock(start = Date.now()) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function readAnswer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(readAnswer);
}

/**
 * A silent logger that keeps every line by level (`logged`) and all of them in order (`lines`), to
 * check what was logged and that no secret ever is.
 */
export function levelLogger() {
  const logged = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  const lines: string[] = [];
  const keep = (level: keyof typeof logged) => (m: string) => {
    logged[level].push(m);
    lines.push(m);
  };
  return { logged, lines, logger: { info: keep('info'), warn: keep('warn'), error: keep('error') } };
}

/** Every occurrence check over a few files' bytes (missing files are skipped). */
export function filesContain(files: string[], needle: string): boolean {
  return files.some((file) => fs.existsSync(file) && fs.readFileSync(file).includes(Buffer.from(needle, 'utf8')));
}

export interface SignedCallOptions {
  /** Wallet base URL. */
  baseUrl: string;
  clientId?: string | null;
  privateKeyPem: string;
  body: unknown;
  /** `Request-Time` to send (default: now per `now`), or null to leave it out. */
  time?: string | null;
  now?: () => number;
  /** Replace the computed `Signature` header (null: leave it out). */
  signature?: string | null;
  /** Sign this body instead of the one sent. */
  signBody?: string;
  /** The OpenAPI path to call (default: applyToken's). */
  path?: string;
  /** Sign this path instead of the one called. */
  signPath?: string;
}

/** A hand-made OpenAPI call (applyToken unless `path` says otherwise), signed like a merchant does, for probing the wallet simulator. */
export async function signedApplyToken(signing: any, options: SignedCallOptions): Promise<RawAnswer> {
  const apiPath: string = options.path ?? signing.APPLY_TOKEN_PATH;
  const clientId = options.clientId === undefined ? 'TEST_CLIENT' : options.clientId;
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const time = options.time === undefined ? signing.requestTime((options.now ?? Date.now)()) : options.time;
  const content = signing.signedContent({
    method: 'POST',
    path: options.signPath ?? apiPath,
    clientId: clientId ?? '',
    time: time ?? '',
    body: options.signBody ?? body,
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
  if (clientId !== null) headers['Client-Id'] = clientId;
  if (time !== null) headers['Request-Time'] = time;
  const signature = options.signature === undefined ? signing.formatSignatureHeader(signing.sign(content, options.privateKeyPem)) : options.signature;
  if (signature !== null) headers.Signature = signature;
  return fetch(`${options.baseUrl}${apiPath}`, { method: 'POST', headers, body }).then(readAnswer);
}

/** A hand-made inquiryUserInfo call (`{ accessToken }` unless `body` is given), signed like a merchant does. */
export function signedInquiryUserInfo(signing: any, options: Omit<SignedCallOptions, 'body'> & { accessToken?: string; body?: unknown }): Promise<RawAnswer> {
  const { accessToken, ...rest } = options;
  return signedApplyToken(signing, { ...rest, body: options.body ?? { accessToken }, path: signing.INQUIRY_USER_INFO_PATH });
}
