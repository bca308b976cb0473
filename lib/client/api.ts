"use client";

// The console's one way to call the JSON API: same-origin fetch (the session cookie rides along and
// the browser adds Origin, which the CSRF check wants), problem+json errors become ApiError.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

type FetchInit = { method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> };

export async function apiFetch<T>(path: string, init?: FetchInit): Promise<T> {
  return (await apiFetchWithHeaders<T>(path, init)).data;
}

/** One page of a list route: its rows, and the cursor of the next page (`X-Next-Cursor`, null on the last). */
export type ListPage<T> = { items: T[]; next: string | null };

export async function apiFetchPage<T>(path: string): Promise<ListPage<T>> {
  const { data, headers } = await apiFetchWithHeaders<T[]>(path);
  return { items: data, next: headers.get("x-next-cursor") };
}

async function apiFetchWithHeaders<T>(path: string, init?: FetchInit): Promise<{ data: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: "application/json", ...(init?.headers ?? {}) };
  let body = init?.body;
  if (init?.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { method: init?.method ?? (body ? "POST" : "GET"), headers, body, credentials: "same-origin" });
  const text = await res.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const detail = (parsed as { detail?: string } | undefined)?.detail ?? `Request failed (${res.status})`;
    // Store policy refused the action for want of a second factor: take the person to enrolment.
    const enrollUrl = (parsed as { secondFactorRequired?: boolean; enrollUrl?: string } | undefined)?.secondFactorRequired ? (parsed as { enrollUrl?: string }).enrollUrl : undefined;
    if (res.status === 403 && enrollUrl?.startsWith("/") && typeof window !== "undefined") {
      window.location.assign(`${enrollUrl}?required=1&next=${encodeURIComponent(window.location.pathname)}`);
    }
    throw new ApiError(res.status, detail, parsed);
  }
  return { data: parsed as T, headers: res.headers };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
