/** An answer of the API that was not 2xx: its status and the API's own message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** The v1 API with the user's token, as the page has always called it: JSON in and out, 204 is null. */
export function createApi(token: string): Api {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return null as T;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError((data as { message?: string }).message || `error ${res.status}`, res.status);
    return data as T;
  };
}

/** Saves an authenticated download (the token is a header, so a plain link cannot fetch it). */
export async function downloadFile(token: string, path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new ApiError(`error ${res.status}`, res.status);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
