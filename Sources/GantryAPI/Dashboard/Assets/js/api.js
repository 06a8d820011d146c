// The API client of the dashboard: the token (kept in sessionStorage, so it lives as long as the tab),
// JSON calls with `Authorization: Bearer`, and the live feed read with fetch and a stream reader.
// EventSource cannot send an Authorization header, and a token in a URL would end up in logs.

const KEY = "gantry.token";

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Calls the API; resolves to the parsed JSON (or text), rejects with APIError and the API's own message.
export async function api(method, path, { body, raw } = {}) {
  const headers = { Authorization: `Bearer ${token.get() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    let code = "http_" + response.status, message = response.statusText;
    try {
      const e = (await response.json()).error;
      code = e.code; message = e.message;
    } catch { /* not the API's error shape */ }
    if (response.status === 401) window.dispatchEvent(new CustomEvent("gantry:unauthorized"));
    throw new APIError(response.status, code, message);
  }
  if (raw) return response;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, { body });
export const del = (path) => api("DELETE", path);

// Follows GET /v1/events: calls onEvent(name, data) for each server-sent event and onState(open) when
// the stream opens or closes; reconnects after the server's `retry` (3 s by default) until stop() is called.
export function followEvents(onEvent, onState) {
  let stopped = false, controller = null;
  async function once() {
    controller = new AbortController();
    const response = await fetch("/v1/events", {
      headers: { Authorization: `Bearer ${token.get() || ""}`, Accept: "text/event-stream" },
      signal: controller.signal,
      cache: "no-store",
    });
    if (!response.ok || !response.body) throw new APIError(response.status, "stream", "event stream refused");
    onState(true);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) {
          try { onEvent(name, JSON.parse(data.join("\n"))); } catch (e) { console.warn("bad event", e); }
        }
      }
    }
  }
  (async () => {
    let wait = 1000;
    while (!stopped) {
      try { await once(); wait = 1000; } catch (e) { if (stopped) break; }
      onState(false);
      if (stopped) break;
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 30000);
    }
  })();
  return { stop() { stopped = true; controller?.abort(); } };
}
