// The gateway's public API, and nothing else. The access token lives in this module's memory only; the
// refresh token is an httpOnly cookie the gateway sets on login, which scripts cannot read (docs/web.md).

export interface ApiErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(public status: number, public body: ApiErrorBody) {
    super(body.message);
  }
  get code(): string {
    return this.body.error;
  }
  /** The reasons for each invalid field of a 422, keyed by field name. */
  get fields(): Record<string, string[]> {
    const details = this.body.details ?? {};
    const out: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(details)) {
      if (Array.isArray(value)) out[key] = value.map(String);
    }
    return out;
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  next: string | null;
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  listeners.forEach((listener) => listener());
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** The access token itself, for the few requests fetch cannot make (an upload with a progress bar goes through
 * XMLHttpRequest). Read it when sending; never store it anywhere else. */
export function currentAccessToken(): string | null {
  return accessToken;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  form?: FormData;
  signal?: AbortSignal;
  retry?: boolean;
}

/** One refresh call. Tabs of the site take turns (a Web Lock): each sends the cookie the previous one's answer
 * set, instead of two tabs opening together presenting the same refresh token at once. */
async function exchangeRefreshCookie(): Promise<Response> {
  const send = () => fetch("/api/v1/auth/refresh", { method: "POST", credentials: "same-origin",
                                                     headers: { "Content-Type": "application/json" }, body: "{}" });
  if (!navigator.locks) return send();
  let answer: Response | undefined;
  await navigator.locks.request("beatpass-refresh", async () => {
    answer = await send();  // the lock is let go once the answer (and its new cookie) has arrived
  });
  return answer as Response;
}

/** Exchange the refresh cookie for a new access token; one exchange at a time, shared by all callers. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= exchangeRefreshCookie()
    .then(async (response) => {
      if (!response.ok) {
        setAccessToken(null);
        return false;
      }
      const body = await response.json();
      setAccessToken(body.access_token);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method: options.method ?? "GET", headers, body, signal: options.signal,
                                       credentials: "same-origin" });
  if (response.status === 401 && accessToken && options.retry !== false && !path.startsWith("/api/v1/auth/")) {
    // the access token expired (one hour): try the refresh cookie once, then ask again
    if (await refreshSession()) return request<T>(path, { ...options, retry: false });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const fallback = { error: "http_" + response.status, message: `The server answered ${response.status}. Try again.` };
    throw new ApiError(response.status, isErrorBody(data) ? data : fallback);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === "object" && value !== null && "message" in value && "error" in value;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(withQuery(path, query), { signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: "POST", body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>(path, { method: "PUT", body }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: "PATCH", body }),
  delete: <T>(path: string) => request<T>(path, { method: "DELETE" }),
  upload: <T>(path: string, form: FormData, method = "POST") => request<T>(path, { method, form }),
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof DOMException && error.name === "AbortError") return "";
  return "The server could not be reached. Check your connection and try again.";
}

/** A file the API serves only with the bearer token (a licence's certificate PDF), as a Blob the page can hand to
 *  the browser through an object URL; the access token never leaves this module. */
export async function fetchBlob(path: string, retry = true): Promise<{ blob: Blob; filename: string | null }> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const response = await fetch(path, { headers, credentials: "same-origin" });
  if (response.status === 401 && accessToken && retry && (await refreshSession())) return fetchBlob(path, false);
  if (!response.ok) {
    const data = safeJson(await response.text());
    const fallback = { error: "http_" + response.status, message: `The server answered ${response.status}. Try again.` };
    throw new ApiError(response.status, isErrorBody(data) ? data : fallback);
  }
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), filename };
}
