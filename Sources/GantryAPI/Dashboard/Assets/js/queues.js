// Queues: every queue's live depth (ready, leased, delayed, dead) as a chart over the last hour, its
// throughput, failure rate and oldest job's age; and one queue's busiest groups and its jobs by state,
// searchable by ID, kind and project. Depths update from the live feed's `queues` messages, not by polling.

import { get } from "./api.js";
import { h, table, td, ageText, since, throttle } from "./dom.js";
import { timeLines, legend, COLORS } from "./charts.js";

const STATES = ["ready", "leased", "delayed", "dead"];

// Jobs per minute and the share that failed, from the counters' change over the last five minutes of samples.
function rates(points) {
  if (points.length < 2) return { perMinute: null, failureRate: null };
  const last = points[points.length - 1];
  const cutoff = Date.parse(last.at) - 5 * 60e3;
  const first = points.find((p) => Date.parse(p.at) >= cutoff) || points[0];
  const minutes = (Date.parse(last.at) - Date.parse(first.at)) / 60e3;
  if (minutes <= 0) return { perMinute: null, failureRate: null };
  const done = last.processed - first.processed, failed = last.failed - first.failed;
  return { perMinute: done / minutes, failureRate: done + failed > 0 ? failed / (done + failed) : 0 };
}

// The chart's left edge: an hour ago, or where this API process's samples begin when that is later (a fresh
// process would otherwise squeeze its few samples into the last pixels), and at least two minutes back.
function windowStart(samples) {
  const now = Date.now(), first = samples.length ? Date.parse(samples[0].at) : now;
  return Math.min(now - 120e3, Math.max(now - 3600e3, first - 10e3));
}

export function renderQueues(root) {
  // history: the API's samples (every 10 s); trail: the counts this page has seen since it opened (the first
  // load and each pushed `queues` message), drawn after the last sample so a change shows at once.
  let history = new Map(), live = new Map();
  const trail = new Map();
  function remember(stats) {
    const at = new Date().toISOString();
    for (const s of stats) {
      const t = trail.get(s.queue) || [];
      t.push({ at, ...s });
      if (t.length > 720) t.shift();
      trail.set(s.queue, t);
    }
  }
  function samplesOf(name) {
    const h = history.get(name) || [];
    const last = h.length ? Date.parse(h[h.length - 1].at) : 0;
    return h.concat((trail.get(name) || []).filter((p) => Date.parse(p.at) > last));
  }

  const tableHost = h("div");
  const charts = h("div", { class: "grid" });
  root.append(
    h("h1", {}, "Queues"),
    h("p", { class: "muted" }, "Depth updates live from the event stream; charts cover the last hour this API process sampled."),
    tableHost,
    h("h2", {}, "Depth over the last hour"),
    legend(STATES.map((s) => [`sw-${s}`, s])),
    charts);

  function draw() {
    const names = [...new Set([...live.keys(), ...history.keys()])].sort();
    const rows = names.map((name) => {
      const s = live.get(name) || {};
      const r = rates(samplesOf(name));
      return h("tr", { "data-queue": name },
        h("th", { scope: "row" }, h("a", { href: `#/queues/${encodeURIComponent(name)}` }, name)),
        ...STATES.map((k) => h("td", { class: "num", "data-field": k }, s[k] ?? "–")),
        td(s.processed ?? "–", "num"), td(s.failed ?? "–", "num"),
        td(r.perMinute === null ? "–" : r.perMinute.toFixed(1), "num"),
        td(r.failureRate === null ? "–" : `${(r.failureRate * 100).toFixed(1)}%`, "num"),
        td(ageText(s.oldest_ready_age_ms), "num"));
    });
    tableHost.replaceChildren(table("Live depth per queue", [
      { label: "Queue" }, ...STATES.map((k) => ({ label: k[0].toUpperCase() + k.slice(1), num: true })),
      { label: "Processed", num: true }, { label: "Failed", num: true }, { label: "Jobs/min (5 min)", num: true },
      { label: "Failure rate", num: true }, { label: "Oldest ready job", num: true },
    ], rows, { id: "queue-table" }));

    charts.replaceChildren(...names.map((name) => {
      const samples = samplesOf(name);
      const series = STATES.map((k) => ({ name: k, color: COLORS[k], points: samples.map((p) => [Date.parse(p.at), p[k]]) }));
      return h("div", { class: "card" }, h("h3", {}, name),
        timeLines({ series, label: `Depth of queue ${name} over the last hour: ready, leased, delayed and dead jobs`, from: windowStart(samples), to: Date.now() }));
    }));
  }

  async function load() {
    const [q, hist] = await Promise.all([get("/v1/queues"), get("/v1/queues/history")]);
    live = new Map(q.queues.map((s) => [s.queue, s]));
    history = new Map(hist.queues.map((s) => [s.queue, s.samples]));
    remember(q.queues);
    draw();
  }

  load();
  return {
    onEvent(name, data) {
      if (name === "queues") {
        live = new Map(data.queues.map((s) => [s.queue, s]));
        remember(data.queues);
        draw();
      }
    },
  };
}

const JOB_STATES = ["ready", "leased", "delayed", "dead", "completed", "cancelled"];

// The limits that apply to a group, in words: "2 at once, 60/min", or "–" when none does.
function limitText(g) {
  const parts = [];
  if (g.concurrency !== undefined && g.concurrency !== null) parts.push(`${g.concurrency} at once`);
  if (g.rate) parts.push(g.rate);
  return parts.length ? parts.join(", ") : "–";
}

// The queue's busiest groups (who fills it, and who waits at a limit), reloaded after queue changes.
function groupsPanel(queue) {
  const host = h("div", { id: "group-table" });
  async function load() {
    try {
      const answer = await get(`/v1/queues/${encodeURIComponent(queue)}/groups?top=10`);
      const rows = answer.groups.map((g) => h("tr", { "data-group": g.group },
        h("th", { scope: "row" }, g.group), h("td", { class: "num", "data-field": "ready" }, g.ready),
        h("td", { class: "num", "data-field": "running" }, g.running), td(limitText(g)),
        td(g.parked ? h("span", { class: "badge parked" }, "parked") : "–")));
      host.replaceChildren(table(`Busiest groups of ${queue}`, [
        { label: "Group" }, { label: "Ready", num: true }, { label: "Running", num: true }, { label: "Limit" }, { label: "Parked" },
      ], rows));
    } catch (e) {
      // A queue driver without groups (not_configured) is a fact to state, not an error to alert.
      const absent = e.code === "not_configured";
      host.replaceChildren(h("p", { class: absent ? "muted" : "error", role: absent ? "status" : "alert" }, e.message));
    }
  }
  load();
  return { host, reload: throttle(load, 1000) };
}

export function renderQueue(root, queue) {
  const results = h("div", { id: "job-results" });
  const state = h("select", { id: "job-state" }, JOB_STATES.map((s) => h("option", { value: s }, s)));
  const kind = h("input", { id: "job-kind", type: "text", placeholder: "e.g. report.build" });
  const project = h("input", { id: "job-project", type: "text", placeholder: "project UUID" });
  const id = h("input", { id: "job-id", type: "text", placeholder: "job UUID" });
  let cursor = null;

  const filterForm = h("form", { class: "row", "aria-label": "Filter jobs", onsubmit: (e) => { e.preventDefault(); list(false); } },
    h("label", { for: "job-state" }, "State"), state,
    h("label", { for: "job-kind" }, "Kind"), kind,
    h("label", { for: "job-project" }, "Project"), project,
    h("button", { type: "submit" }, "Filter"));
  const idForm = h("form", { class: "row", "aria-label": "Find a job by ID", onsubmit: (e) => { e.preventDefault(); find(); } },
    h("label", { for: "job-id" }, "Job ID"), id, h("button", { type: "submit" }, "Find"));

  const groups = groupsPanel(queue);
  root.append(h("h1", {}, `Queue ${queue}`), h("p", {}, h("a", { href: "#/queues" }, "← all queues")),
    h("h2", {}, "Groups"), groups.host, h("h2", {}, "Jobs"), filterForm, idForm, results);

  function row(j) {
    return h("tr", { "data-job": j.id },
      td(h("code", {}, j.id)), td(j.kind), td(h("span", { class: `badge ${j.state}` }, j.state)), td(j.attempts, "num"),
      td(j.project_id ? h("a", { href: `#/projects/${j.project_id}` }, j.project_id.slice(0, 8) + "…") : "–"),
      td(j.last_error, "err"), td(since(j.enqueued_at) + " ago"));
  }
  const columns = [{ label: "ID" }, { label: "Kind" }, { label: "State" }, { label: "Attempts", num: true }, { label: "Project" }, { label: "Last error" }, { label: "Enqueued" }];

  async function list(more) {
    const q = new URLSearchParams({ queue, state: state.value, limit: "50" });
    if (kind.value.trim()) q.set("kind", kind.value.trim());
    if (project.value.trim()) q.set("project_id", project.value.trim());
    if (more && cursor) q.set("cursor", cursor);
    try {
      const page = await get(`/v1/jobs?${q}`);
      const rows = page.jobs.map(row);
      if (more) results.querySelector("tbody").append(...rows);
      else results.replaceChildren(table(`${state.value} jobs of ${queue}`, columns, rows));
      cursor = page.next_cursor || null;
      results.querySelector("button.more")?.remove();
      if (cursor) results.append(h("button", { type: "button", class: "secondary more", onclick: () => list(true) }, "More"));
    } catch (e) {
      results.replaceChildren(h("p", { class: "error", role: "alert" }, e.message));
    }
  }

  async function find() {
    const value = id.value.trim();
    if (!value) return list(false);
    try {
      const j = await get(`/v1/jobs/${encodeURIComponent(value)}?queue=${encodeURIComponent(queue)}`);
      results.replaceChildren(table(`Job ${value}`, columns, [row(j)]),
        h("details", {}, h("summary", {}, "Payload and result"), h("pre", { class: "mono" }, JSON.stringify({ payload: j.payload, result: j.result }, null, 2))));
    } catch (e) {
      results.replaceChildren(h("p", { class: "error", role: "alert" }, e.message));
    }
  }

  list(false);
  // The job list is a query the user refreshes; the groups follow the queue's changes.
  return { onEvent(name) { if (name === "queues") groups.reload(); } };
}
