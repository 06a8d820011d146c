// One project: the Gantt of its five phases (planned and actual bars, the forecast P50–P80 band, today's
// line), its latest forecast (histogram, S-curve, tornado), the P80 trend over its forecasts, its imports
// with their reconciliation, and its reports.

import { api, get } from "./api.js";
import { h, table, td, since, toast, throttle } from "./dom.js";
import { gantt, histogram, sCurve, tornado, dateTrend, legend, COLORS } from "./charts.js";

const DAY = 86400e3;
const label = (key) => key.replaceAll("_", " ");
const ms = (date) => (date ? Date.parse(date + "T00:00:00Z") : NaN);
// Forecast weeks are working weeks: five working days, seven calendar days.
const weeksToMs = (w) => w * 7 * DAY;

export function renderProject(root, id) {
  const host = h("div");
  root.append(h("p", {}, h("a", { href: "#/projects" }, "← portfolio")), host);

  async function load() {
    const [project, forecast, history, imports, reports] = await Promise.all([
      get(`/v1/projects/${id}`),
      get(`/v1/projects/${id}/forecast`).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
      get(`/v1/projects/${id}/forecasts`),
      get(`/v1/projects/${id}/imports`),
      get(`/v1/reports?project_id=${id}`),
    ]);
    const result = forecast?.result;
    const today = Date.now();
    const start = ms(result?.start_date || project.start_date);

    // The forecast band of each phase's end: the P50s of the phases before it, plus its own P50 and P80
    // (a reading aid; the project's finish band uses the simulated totals' own percentiles).
    const byPhase = new Map((result?.phases || []).map((p) => [p.phase, p]));
    let before = 0;
    const rows = project.phases.map((ph) => {
      const f = byPhase.get(ph.phase);
      let band = null;
      if (f) {
        const p50 = f.actual ?? f.p50, p80 = f.actual ?? (f.p80 ?? f.p90);
        band = [start + weeksToMs(before + p50), start + weeksToMs(before + p80)];
        before += p50;
      }
      const actualEnd = ph.actual_end ? ms(ph.actual_end) : ph.actual_start ? today : NaN;
      return { name: label(ph.phase), plan: [ms(ph.planned_start), ms(ph.planned_end)], actual: ph.actual_start ? [ms(ph.actual_start), actualEnd] : null, band };
    });
    const pct = (p) => result?.percentiles?.find((x) => x.percentile === p);
    const finishBand = pct(50)?.finish_date && pct(80)?.finish_date ? [ms(pct(50).finish_date), ms(pct(80).finish_date)] : null;

    const summary = h("div", { class: "stats" },
      h("div", { class: "stat" }, h("b", {}, project.status), "status"),
      h("div", { class: "stat" }, h("b", {}, `${Math.round(project.progress * 100)}%`), "steps done"),
      h("div", { class: "stat" }, h("b", {}, project.start_date), "start"),
      h("div", { class: "stat" }, h("b", {}, project.target_date ?? "–"), "target"),
      h("div", { class: "stat" }, h("b", {}, pct(50)?.finish_date ?? "–"), "P50 finish"),
      h("div", { class: "stat" }, h("b", {}, pct(80)?.finish_date ?? "–"), "P80 finish"),
      h("div", { class: "stat" }, h("b", {}, result?.probability_of_meeting_target != null ? `${Math.round(result.probability_of_meeting_target * 100)}%` : "–"), "on time"));

    const ganttSection = h("section", { id: "gantt", "aria-labelledby": "gantt-title" },
      h("h2", { id: "gantt-title" }, "Phases: plan, actual and forecast"),
      legend([["sw-plan", "planned"], ["sw-actual", "actual"], ["sw-band", "forecast end P50–P80"], ["sw-today", "today"], ["sw-target", "target (dashed)"]]),
      gantt({ rows, today, finishBand, target: ms(project.target_date), label: `Gantt chart of ${project.name}: planned and actual phase bars, forecast P50–P80 bands and today's line` }),
      table("Phases", [{ label: "Phase" }, { label: "State" }, { label: "Planned" }, { label: "Actual" }, { label: "Forecast P50 / P80 (weeks)" }],
        project.phases.map((ph) => {
          const f = byPhase.get(ph.phase);
          return h("tr", {}, h("th", { scope: "row" }, label(ph.phase)), td(ph.state),
            td(`${ph.planned_start ?? "?"} → ${ph.planned_end ?? "?"}`), td(ph.actual_start ? `${ph.actual_start} → ${ph.actual_end ?? "…"}` : "–"),
            td(f ? (f.actual != null ? `${f.actual.toFixed(1)} (actual)` : `${f.p50.toFixed(1)} / ${(f.p80 ?? f.p90).toFixed(1)}`) : "–"));
        })));

    let forecastSection;
    if (!result) {
      forecastSection = h("section", { id: "forecast" }, h("h2", {}, "Forecast"), h("p", {}, "No forecast yet: submit an estimate.simulate job for this project."));
    } else {
      const markers = [
        { name: "P50", weeks: pct(50)?.weeks, color: COLORS.ok },
        { name: "P80", weeks: pct(80)?.weeks, color: COLORS.leased },
      ].filter((m) => Number.isFinite(m.weeks));
      forecastSection = h("section", { id: "forecast", "aria-labelledby": "forecast-title" },
        h("h2", { id: "forecast-title" }, `Forecast (${forecast.kind}, ${result.trials.toLocaleString()} trials, ${since(forecast.created_at)} ago)`),
        h("div", { class: "two" },
          h("div", { class: "card" }, h("h3", {}, "Histogram of the total (weeks)"),
            histogram({ bins: result.histogram, markers, label: `Histogram of ${project.name}'s total duration in weeks with P50 and P80 marked` })),
          h("div", { class: "card" }, h("h3", {}, "S-curve: probability of finishing within"),
            sCurve({ points: result.s_curve, markers, label: `S-curve of ${project.name}: cumulative probability of finishing by each number of weeks` }))),
        h("div", { class: "two" },
          h("div", { class: "card", id: "tornado" }, h("h3", {}, "Tornado: what drives the date"),
            tornado({ entries: result.sensitivity.map((s) => ({ name: label(s.phase), value: s.rank_correlation })), label: "Tornado chart: rank correlation of each phase's duration with the total" })),
          h("div", { class: "card", id: "p80-trend" }, h("h3", {}, "P80 finish over time"),
            dateTrend({
              series: [
                { name: "P80", color: COLORS.leased, points: history.forecasts.filter((f) => f.p80_finish).map((f) => [Date.parse(f.created_at), ms(f.p80_finish)]) },
                { name: "P50", color: COLORS.ok, points: history.forecasts.filter((f) => f.p50_finish).map((f) => [Date.parse(f.created_at), ms(f.p50_finish)]) },
              ],
              target: history.target_date ? ms(history.target_date) : null,
              label: `Trend of ${project.name}'s P50 and P80 finish dates across its ${history.forecasts.length} forecasts, with the target date`,
            }),
            legend([["sw-leased", "P80"], ["sw-ok", "P50"]]))),
        table("Percentiles", [{ label: "Percentile" }, { label: "Weeks", num: true }, { label: "Finish" }],
          result.percentiles.map((p) => h("tr", {}, h("th", { scope: "row" }, `P${p.percentile}`), td(p.weeks.toFixed(1), "num"), td(p.finish_date))), { class: "narrow" }),
        result.warnings?.length ? h("ul", {}, result.warnings.map((w) => h("li", {}, w))) : null);
    }

    const importsSection = h("section", { id: "imports" }, h("h2", {}, "Imports"),
      table(null, [{ label: "Source" }, { label: "Entity" }, { label: "Rows", num: true }, { label: "Created", num: true }, { label: "Updated", num: true },
        { label: "Unchanged", num: true }, { label: "Rejected", num: true }, { label: "Batches" }, { label: "Reconciliation" }],
        imports.imports.map((i) => h("tr", {}, td(i.source_name), td(i.entity), td(i.source_rows, "num"), td(i.counts.created, "num"),
          td(i.counts.updated, "num"), td(i.counts.unchanged, "num"), td(i.counts.rejected, "num"), td(`${i.batches_done}/${i.batch_count}`),
          h("td", {}, h("span", { class: `badge ${i.status}` }, i.status),
            i.reconciliation ? h("details", {}, h("summary", {}, "details"), h("pre", { class: "mono" }, JSON.stringify(i.reconciliation, null, 2))) : null)))));

    const reportsSection = h("section", { id: "reports" }, h("h2", {}, "Reports"),
      table(null, [{ label: "Created" }, { label: "Format" }, { label: "Size", num: true }, { label: "" }],
        reports.reports.map((r) => h("tr", {}, td(new Date(r.created_at).toLocaleString()), td(r.format), td(r.size, "num"),
          h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => openReport(r) }, `Download ${r.format} report`))))));

    host.replaceChildren(h("h1", {}, project.name, " ", h("span", { class: "muted" }, `· ${project.client.name}`)), summary, ganttSection, forecastSection, importsSection, reportsSection);
  }

  // Reports need the token, which a plain link cannot carry: fetch, then save the bytes as a file. (Opened
  // as a blob in a tab, an HTML report would inherit this page's content security policy and lose its styles.)
  async function openReport(r) {
    try {
      const response = await api("GET", `/v1/reports/${r.id}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = h("a", { href: url, download: `report-${r.id}.${r.format}`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      toast(`Report saved as report-${r.id.slice(0, 8)}….${r.format}`);
    } catch (e) { toast(e.message); }
  }

  load().catch((e) => host.replaceChildren(h("p", { class: "error", role: "alert" }, e.message)));
  const reload = throttle(() => load().catch(() => {}), 1500);
  return {
    onEvent(name, data) {
      if (name === "project" && data.project_id === id) reload();
    },
  };
}
