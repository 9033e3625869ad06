/**
 * The auth server's answers: JSON with `{ error: { code, message, retryable } }` for failures, the
 * shape the kit's `httpSubmitter` reads. `AuthServerError` is a failure on its way to becoming one.
 */

const DEFAULT_HEADERS: Record<number, Record<string, string>> = {
  401: { 'WWW-Authenticate': 'Bearer' },
  503: { 'Retry-After': '1' },
};

export class AuthServerError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { retryable?: boolean; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'AuthServerError';
    this.status = status;
    this.code = code;
    this.retryable = options.retryable ?? (status === 503 || status === 429);
    this.headers = { ...DEFAULT_HEADERS[status], ...options.headers };
  }
}

export const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

/** An answer before it becomes a `Response` (the Node adapter writes it without making one). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export const jsonAnswer = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...BASE_HEADERS, ...headers },
  body: JSON.stringify(value),
});

export const errorAnswer = (error: AuthServerError): Answer =>
  jsonAnswer(error.status, { error: { code: error.code, message: error.message, retryable: error.retryable } }, error.headers);

export const toResponse = (answer: Answer): Response => new Response(answer.body, { status: answer.status, headers: answer.headers });

export const errorResponse = (error: AuthServerError): Response => toResponse(errorAnswer(error));

export const codeUsed = () => new AuthServerError(409, 'USED_CODE', 'this code was used already; get a new one');
export const backendBusy = (message: string) => new AuthServerError(503, 'BACKEND_ERROR', message);
