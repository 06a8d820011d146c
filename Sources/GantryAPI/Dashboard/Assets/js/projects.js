// Projects: the portfolio — counts per phase and status, health, upcoming gates and go-lives, and every
// project ranked by slip (latest P80 finish minus target), each linking to its page.

import { get } from "./api.js";
import { h, table, td, since, throttle } from "./dom.js";

const label = (key) => key.replaceAll("_", " ");

function counts(caption, items) {
  const max = Math.max(1, ...items.map((c) => c.projects));
  return table(caption, [{ label: "" }, { label: "Projects", num: true }, { label: "" }], items.map((c) =>
    h("tr", {}, h("th", { scope: "row" }, label(c.key)), td(c.projects, "num"),
      h("td", { class: "bar-cell" }, h("meter", { min: 0, max, value: c.projects, "aria-label": `${label(c.key)}: ${c.projects}` })))));
}

export function renderProjects(root) {
  const host = h("div");
  root.append(h("h1", {}, "Projects"), host);
  async function load() {
    const p = await get("/v1/portfolio");
    const link = (id, name) => h("a", { href: `#/projects/${id}` }, name);
    host.replaceChildren(
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("b", {}, p.project_count), "projects"),
        h("div", { class: "stat" }, h("b", {}, p.health.on_track), "on track"),
        h("div", { class: "stat" }, h("b", {}, p.health.at_risk), "at risk"),
        h("div", { class: "stat" }, h("b", {}, p.today), "today (UTC)")),
      h("h2", {}, "Ranked by slip"),
      table("Latest P80 finish minus target, largest first", [
        { label: "#", num: true }, { label: "Project" }, { label: "Status" }, { label: "Phase" }, { label: "Target" },
        { label: "P80 finish" }, { label: "Slip (days)", num: true }, { label: "Forecast age" }, { label: "Health" },
      ], p.projects.map((x) => h("tr", { "data-project": x.id },
        td(x.rank, "num"), h("th", { scope: "row" }, link(x.id, x.name)), td(x.status), td(x.current_phase ? label(x.current_phase) : "done"),
        td(x.target_date), td(x.p80_finish), td(x.slip_days, "num"), td(x.forecast_created_at ? since(x.forecast_created_at) : "no forecast"),
        td(h("span", { class: `badge ${x.at_risk ? "at-risk" : "ok"}` }, x.at_risk ? "at risk" : "on track")))), { id: "portfolio-table" }),
      h("div", { class: "two" },
        h("div", {}, h("h2", {}, "By phase"), counts("Projects per current phase", p.by_phase)),
        h("div", {}, h("h2", {}, "By status"), counts("Projects per status", p.by_status))),
      h("div", { class: "two" },
        h("div", {}, h("h2", {}, "Upcoming gates"), table(null, [{ label: "Project" }, { label: "Gate" }, { label: "Planned end" }, { label: "State" }],
          p.upcoming_gates.map((g) => h("tr", {}, td(link(g.project_id, g.project_name)), td(`${label(g.phase)} · ${g.step}`),
            td(h("span", { class: g.overdue ? "badge at-risk" : "" }, g.planned_end ?? "–", g.overdue ? " overdue" : "")), td(g.state))))),
        h("div", {}, h("h2", {}, "Go-lives"), table(null, [{ label: "Project" }, { label: "Planned" }, { label: "P80 finish" }, { label: "State" }],
          p.go_lives.map((g) => h("tr", {}, td(link(g.project_id, g.project_name)), td(g.planned), td(g.p80_finish), td(g.state)))))));
  }
  load().catch((e) => host.replaceChildren(h("p", { class: "error", role: "alert" }, e.message)));
  const reload = throttle(() => load().catch(() => {}), 2000);
  return { onEvent(name) { if (name === "project") reload(); } };
}
