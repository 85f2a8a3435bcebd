// The one way the UI talks to /api: JSON in and out, the session cookie, the CSRF header on unsafe
// methods, ETag/If-Match for drafts, and problem+json errors surfaced as ApiProblem with field paths.

export interface Problem {
  path: string;
  code: string;
  severity: "error" | "warning" | string;
  message_zh: string;
  message_en: string;
  line?: number;
  column?: number;
}

/** An error answer of the API: its status, its code and each located problem. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: Problem[];
  readonly detail: string;

  constructor(status: number, code: string, detail: string, problems: Problem[]) {
    super(`${status} ${code}: ${detail}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.problems = problems;
  }
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** The ETag the change is based on, sent as If-Match (drafts). */
  ifMatch?: string | null;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let csrfToken: string | null = null;

/** Remember the CSRF token that login and /api/auth/me hand out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function urlWithQuery(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function headersFor(method: string, options: RequestOptions): Headers {
  const headers = new Headers({ Accept: "application/json, application/problem+json" });
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  if (UNSAFE.has(method) && csrfToken) headers.set("X-CSRF-Token", csrfToken);
  if (options.ifMatch) headers.set("If-Match", options.ifMatch);
  return headers;
}

/** Turn a non-2xx answer into an ApiProblem, whatever its body is. */
export async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  const problems = Array.isArray(body.problems) ? (body.problems as Problem[]) : [];
  const typeCode = typeof body.type === "string" ? body.type.split("#")[1] : undefined;
  const code = problems[0]?.code ?? typeCode ?? `HTTP_${response.status}`;
  const detail = typeof body.detail === "string" ? body.detail : response.statusText;
  return new ApiProblem(response.status, code, detail, problems);
}

/** Send one request; resolves with the JSON body and ETag, rejects with ApiProblem. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const response = await fetch(urlWithQuery(path, options.query), {
    method,
    credentials: "same-origin",
    headers: headersFor(method, options),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) throw await problemOf(response);
  const text = await response.text();
  const data = (text ? JSON.parse(text) : null) as T;
  return { data, status: response.status, etag: response.headers.get("ETag") };
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>("GET", path, options).then((r) => r.data),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("POST", path, { ...options, body: body ?? {} }).then((r) => r.data),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }).then((r) => r.data),
  del: <T>(path: string) => request<T>("DELETE", path).then((r) => r.data),
};
