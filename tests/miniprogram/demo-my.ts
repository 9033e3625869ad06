/**
 * The `my` of the IDE's simulator for the DSL demo's tests: storage (shareable between launches),
 * `my.request` over real HTTP to the demo's servers (with the base library's error 19 for HTTP
 * errors), `my.confirm` answered by a scripted user (the stand-in wallet's consent page),
 * `my.showToast` recorded. `getAuthCode` is the IDE's: the demo's stand-in wallet replaces it.
 */
export interface ConfirmPage {
  title: string;
  content: string;
  answer(confirm: boolean): void;
  /** Closes the page without a choice (the base library calls `fail`). */
  close(): void;
}

export interface DemoMy {
  my: Record<string, unknown>;
  storage: Map<string, string>;
  toasts: string[];
  confirms: ConfirmPage[];
  /** Scopes of every code the stand-in wallet minted (`POST /sim/codes`). */
  minted: string[][];
  /** Every URL requested. */
  requests: string[];
  /** Paths (`/api/auth/session`) whose requests fail as a refused connection does (error 12), until removed. */
  unreachable: Set<string>;
  readonly inflight: number;
  setUser(user: 'allow' | 'deny' | 'manual'): void;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function demoMy(storage = new Map<string, string>(), unreachable = new Set<string>()): DemoMy {
  const state = { inflight: 0, user: 'allow' as 'allow' | 'deny' | 'manual' };
  const toasts: string[] = [];
  const confirms: ConfirmPage[] = [];
  const minted: string[][] = [];
  const requests: string[] = [];
  const my = {
    getStorageSync: ({ key }: { key: string }) => ({ data: storage.has(key) ? storage.get(key) : null }),
    setStorageSync: ({ key, data }: { key: string; data: string }) => void storage.set(key, data),
    removeStorageSync: ({ key }: { key: string }) => void storage.delete(key),
    showToast: ({ content }: { content: string }) => void toasts.push(content),
    confirm(options: { title: string; content: string; success(result: { confirm: boolean }): void; fail?(): void }) {
      let answered = false;
      const page: ConfirmPage = {
        title: options.title,
        content: options.content,
        answer(confirm) {
          if (answered) return;
          answered = true;
          options.success({ confirm });
        },
        close() {
          if (answered) return;
          answered = true;
          options.fail?.();
        },
      };
      confirms.push(page);
      if (state.user !== 'manual') void Promise.resolve().then(() => page.answer(state.user === 'allow'));
    },
    getAuthCode() {
      throw new Error('the IDE’s getAuthCode: the demo’s stand-in wallet should answer instead');
    },
    request(options: { url: string; method: string; headers: Record<string, string>; data?: string; dataType?: string; success(r: unknown): void; fail(r: unknown): void }) {
      state.inflight++;
      requests.push(options.url);
      if ([...unreachable].some((path) => new URL(options.url).pathname === path)) {
        return void Promise.resolve().then(() => {
          options.fail({ error: 12, errorMessage: 'network error' });
          state.inflight--;
        });
      }
      if (options.url.endsWith('/sim/codes')) minted.push((JSON.parse(options.data as string) as { scopes: string[] }).scopes);
      fetch(options.url, { method: options.method, headers: options.headers, body: options.data })
        .then(async (response) => {
          const text = await response.text();
          const res = { status: response.status, data: options.dataType === 'json' ? parse(text) : text, headers: {} };
          if (response.ok) options.success(res);
          else options.fail({ error: 19, errorMessage: 'HTTP error', ...res });
        })
        .catch(() => options.fail({ error: 12, errorMessage: 'network error' }))
        .finally(() => {
          state.inflight--;
        });
    },
  };
  return {
    my,
    storage,
    toasts,
    confirms,
    minted,
    requests,
    unreachable,
    get inflight() {
      return state.inflight;
    },
    setUser(user) {
      state.user = user;
    },
  };
}
