// Dead letter: each dead job of each queue with its error and attempts; retry one, retry all, purge.

import { get, post, del } from "./api.js";
import { h, table, td, since, toast, throttle } from "./dom.js";

export function renderDead(root) {
  const host = h("div", { id: "dead-queues" });
  root.append(h("h1", {}, "Dead letter"),
    h("p", { class: "muted" }, "Jobs that used up their attempts or failed for good. Retry moves a job back to ready; purge deletes the queue's dead jobs (admin token)."),
    host);

  async function load() {
    const { queues } = await get("/v1/queues");
    const withDead = queues.filter((q) => q.dead > 0);
    if (!withDead.length) {
      host.replaceChildren(h("p", { id: "dead-empty" }, "No dead jobs."));
      return;
    }
    const sections = await Promise.all(withDead.map(async (q) => {
      const page = await get(`/v1/jobs?queue=${encodeURIComponent(q.queue)}&state=dead&limit=100`);
      const rows = page.jobs.map((j) => h("tr", { "data-dead-job": j.id },
        td(h("code", {}, j.id)), td(j.kind), td(j.attempts, "num"), td(j.last_error, "err"), td(since(j.updated_at || j.enqueued_at) + " ago"),
        h("td", {}, h("button", { type: "button", class: "retry", "data-retry": j.id, "aria-label": `Retry job ${j.id}`,
          onclick: async (e) => {
            e.target.disabled = true;
            try { await post(`/v1/jobs/${j.id}/retry?queue=${encodeURIComponent(q.queue)}`); toast(`Job ${j.id.slice(0, 8)}… retried`); }
            catch (err) { toast(err.message); }
            load();
          } }, "Retry"))));
      return h("section", { class: "card", "aria-label": `Dead jobs of ${q.queue}`, "data-dead-queue": q.queue },
        h("div", { class: "row" }, h("h2", {}, `${q.queue} — ${q.dead} dead`),
          h("button", { type: "button", class: "secondary", onclick: async () => {
            try { const r = await post(`/v1/queues/${encodeURIComponent(q.queue)}/dead/retry`); toast(`${r.retried} retried`); } catch (err) { toast(err.message); }
            load();
          } }, "Retry all"),
          h("button", { type: "button", class: "danger", onclick: async () => {
            if (!confirm(`Delete every dead job of ${q.queue}?`)) return;
            try { const r = await del(`/v1/queues/${encodeURIComponent(q.queue)}/dead`); toast(`${r.purged} purged`); } catch (err) { toast(err.message); }
            load();
          } }, "Purge")),
        table(null, [{ label: "ID" }, { label: "Kind" }, { label: "Attempts", num: true }, { label: "Error" }, { label: "Died" }, { label: "Action" }], rows));
    }));
    host.replaceChildren(...sections);
  }

  load().catch((e) => host.replaceChildren(h("p", { class: "error", role: "alert" }, e.message)));
  const reload = throttle(() => load().catch(() => {}), 1000);
  return { onEvent(name, data) { if (name === "job" && ["dead", "revived"].includes(data.type)) reload(); } };
}
