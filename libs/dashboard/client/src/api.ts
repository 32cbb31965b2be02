/**
 * The page's only way to the API. The key goes out only as `Authorization: Bearer`. A key
 * the API refuses (401, or 403 for a key without the analyst role) stops every call of this
 * load at once: the calls in flight are aborted and no further one is sent.
 */

export type Params = Record<string, string | number | null | undefined>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by every call after the key was refused; panels show nothing of their own for it. */
export class KeyRefused extends ApiError {}

export function queryString(params: Params): string {
  const clean = Object.entries(params).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null && entry[1] !== '',
  );
  return new URLSearchParams(clean.map(([k, v]) => [k, String(v)])).toString();
}

export class Api {
  private refused: KeyRefused | null = null;
  private readonly aborter = new AbortController();

  constructor(
    private readonly key: string,
    private readonly onRefused: (error: KeyRefused) => void,
  ) {}

  /** A newer load replaces this one: its answers would only be drawn over. */
  cancel(): void {
    this.aborter.abort();
  }

  get cancelled(): boolean {
    return this.aborter.signal.aborted;
  }

  async get<T>(path: string, params: Params = {}): Promise<T> {
    if (this.refused) throw this.refused;
    const query = queryString(params);
    const response = await fetch(query ? `${path}?${query}` : path, {
      headers: { authorization: `Bearer ${this.key}`, accept: 'application/json' },
      signal: this.aborter.signal,
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as T;
    const message = messageOf(body) ?? `HTTP ${response.status}`;
    if (response.status === 401 || response.status === 403) throw this.refuse(response.status, message);
    throw new ApiError(response.status, message);
  }

  private refuse(status: number, message: string): KeyRefused {
    if (this.refused) return this.refused;
    const why = status === 401 ? 'The API does not know this key' : 'This key has no analyst role';
    this.refused = new KeyRefused(status, `${why} (${status}: ${message}). Enter an API key with the analyst role.`);
    this.aborter.abort();
    this.onRefused(this.refused);
    return this.refused;
  }
}

function messageOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return null;
}
