// Reading the agent's REST API from the page (same origin, so no CORS and no credentials).

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** GET a JSON route; a non-2xx answer throws ApiError with the agent's own error text. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    headers: { Accept: 'application/json' },
    ...(signal !== undefined ? { signal } : {}),
  });
  if (!res.ok) {
    let reason = res.statusText;
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === 'string') reason = body.error;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, `${path}: ${res.status} ${reason}`);
  }
  return (await res.json()) as T;
}

/** Like getJson, but a route the agent does not have (404) gives null. */
export async function getOptionalJson<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  try {
    return await getJson<T>(path, signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
