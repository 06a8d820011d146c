// Workers: every live worker process with its host, PID, queues, running and done jobs, uptime and last heartbeat.

import { get } from "./api.js";
import { h, table, td, since, throttle } from "./dom.js";

export function renderWorkers(root) {
  const host = h("div");
  root.append(h("h1", {}, "Workers"), host);
  async function load() {
    const { workers } = await get("/v1/workers");
    host.replaceChildren(table(`${workers.length} live worker${workers.length === 1 ? "" : "s"}`, [
      { label: "Host" }, { label: "PID", num: true }, { label: "Queues" }, { label: "Running", num: true },
      { label: "Concurrency", num: true }, { label: "Done", num: true }, { label: "Uptime" }, { label: "Last heartbeat" },
    ], workers.map((w) => h("tr", { "data-worker": w.id },
      td(w.host), td(w.pid, "num"), td(w.queues.join(", ")), td(w.running, "num"), td(w.concurrency, "num"),
      td(w.jobs_done, "num"), td(since(w.started_at)), td(since(w.last_seen_at) + " ago"))), { id: "worker-table" }));
  }
  load().catch((e) => host.replaceChildren(h("p", { class: "error", role: "alert" }, e.message)));
  const reload = throttle(() => load().catch(() => {}), 2000);
  return { onEvent(name) { if (name === "queues") reload(); } };
}
