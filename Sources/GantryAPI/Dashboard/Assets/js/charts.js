// Inline SVG charts, drawn by hand (no chart library, no CDN). Each chart is an <svg role="img"> with an
// aria-label that says what it shows; the numbers behind it are also in a table on the same page.

import { svg, h } from "./dom.js";

export const COLORS = {
  ready: "#0a58ca", leased: "#b35900", delayed: "#6f42c1", dead: "#c0262d",
  plan: "#8c959f", actual: "#0a58ca", band: "#f2c14e", today: "#c0262d", ok: "#1a7f37", ink: "#1b1f24",
};

function scale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const M = { l: 46, r: 12, t: 10, b: 26 };

function frame(width, height, label) {
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label });
}

function yAxis(root, y, max, width, ticks = 4, fmt = (v) => String(Math.round(v * 100) / 100)) {
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks, py = y(v);
    root.append(svg("line", { x1: M.l, x2: width - M.r, y1: py, y2: py, stroke: "#e6e9ed" }));
    root.append(svg("text", { x: M.l - 6, y: py + 4, "text-anchor": "end" }, fmt(v)));
  }
}

// Lines over time. series: [{name, color, points: [[ms, value]]}].
export function timeLines({ width = 560, height = 180, series, label, from, to }) {
  const root = frame(width, height, label);
  const all = series.flatMap((s) => s.points);
  const x0 = from ?? Math.min(...all.map((p) => p[0]), Date.now() - 3600e3);
  const x1 = to ?? Math.max(...all.map((p) => p[0]), Date.now());
  const max = niceMax(Math.max(1, ...all.map((p) => p[1])));
  const x = scale(x0, x1, M.l, width - M.r), y = scale(0, max, height - M.b, M.t);
  // Whole numbers of jobs on every tick: five ticks divide each nice maximum above 5 evenly.
  yAxis(root, y, max, width, max <= 5 ? max : 5, (v) => String(Math.round(v)));
  for (let i = 0; i <= 4; i++) {
    const t = x0 + ((x1 - x0) * i) / 4;
    root.append(svg("text", { x: x(t), y: height - 8, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle" },
      new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: x1 - x0 < 600e3 ? "2-digit" : undefined, hour12: false })));
  }
  for (const s of series) {
    if (!s.points.length) continue;
    const d = s.points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    root.append(svg("path", { d, fill: "none", stroke: s.color, "stroke-width": 2 }, svg("title", {}, s.name)));
    const last = s.points[s.points.length - 1];
    root.append(svg("circle", { cx: x(last[0]), cy: y(last[1]), r: 3, fill: s.color }));
  }
  return root;
}

// A histogram of weeks with vertical markers (P50, P80, target).
export function histogram({ width = 560, height = 220, bins, markers = [], label }) {
  const root = frame(width, height, label);
  if (!bins.length) return root;
  const x0 = bins[0].lower_weeks, x1 = bins[bins.length - 1].upper_weeks;
  const max = Math.max(...bins.map((b) => b.probability));
  const x = scale(x0, x1, M.l, width - M.r), y = scale(0, max * 1.1, height - M.b, M.t);
  yAxis(root, y, max * 1.1, width, 4, (v) => `${Math.round(v * 1000) / 10}%`);
  for (const b of bins) {
    const px = x(b.lower_weeks), w = Math.max(1, x(b.upper_weeks) - px - 1);
    root.append(svg("rect", { x: px, y: y(b.probability), width: w, height: y(0) - y(b.probability), fill: "#7aa7e8" },
      svg("title", {}, `${b.lower_weeks.toFixed(1)}–${b.upper_weeks.toFixed(1)} weeks: ${(b.probability * 100).toFixed(1)}%`)));
  }
  for (let i = 0; i <= 5; i++) {
    const v = x0 + ((x1 - x0) * i) / 5;
    root.append(svg("text", { x: x(v), y: height - 8, "text-anchor": i === 0 ? "start" : i === 5 ? "end" : "middle" }, `${v.toFixed(1)} w`));
  }
  markers.forEach((m, i) => {
    if (m.weeks < x0 || m.weeks > x1) return;
    root.append(svg("line", { x1: x(m.weeks), x2: x(m.weeks), y1: M.t, y2: height - M.b, stroke: m.color, "stroke-width": 2, "stroke-dasharray": "4 3" }));
    root.append(svg("text", { x: x(m.weeks) + 4, y: M.t + 12 + i * 13, fill: m.color }, m.name));
  });
  return root;
}

// The cumulative probability of finishing by each point (weeks on the x axis, dates in the tooltips).
export function sCurve({ width = 560, height = 220, points, markers = [], label }) {
  const root = frame(width, height, label);
  if (!points.length) return root;
  const x0 = points[0].weeks, x1 = points[points.length - 1].weeks;
  const x = scale(x0, x1, M.l, width - M.r), y = scale(0, 1, height - M.b, M.t);
  yAxis(root, y, 1, width, 4, (v) => `${Math.round(v * 100)}%`);
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.weeks).toFixed(1)},${y(p.probability).toFixed(1)}`).join(" ");
  root.append(svg("path", { d, fill: "none", stroke: COLORS.actual, "stroke-width": 2 }));
  for (let i = 0; i <= 5; i++) {
    const v = x0 + ((x1 - x0) * i) / 5;
    root.append(svg("text", { x: x(v), y: height - 8, "text-anchor": i === 0 ? "start" : i === 5 ? "end" : "middle" }, `${v.toFixed(1)} w`));
  }
  markers.forEach((m, i) => {
    if (m.weeks < x0 || m.weeks > x1) return;
    root.append(svg("line", { x1: x(m.weeks), x2: x(m.weeks), y1: M.t, y2: height - M.b, stroke: m.color, "stroke-width": 2, "stroke-dasharray": "4 3" }));
    root.append(svg("text", { x: x(m.weeks) + 4, y: height - M.b - 6 - i * 13, fill: m.color }, m.name));
  });
  return root;
}

// Horizontal bars around zero: what drives the date (rank correlation of each phase with the total).
export function tornado({ width = 560, entries, label }) {
  const row = 26, left = 190, height = M.t + M.b + row * entries.length;
  const root = frame(width, height, label);
  const x = scale(-1, 1, left, width - M.r);
  root.append(svg("line", { x1: x(0), x2: x(0), y1: M.t, y2: height - M.b, stroke: "#8c959f" }));
  entries.forEach((e, i) => {
    const v = e.value, py = M.t + i * row;
    root.append(svg("text", { x: left - 8, y: py + row / 2 + 4, "text-anchor": "end", fill: COLORS.ink }, e.name));
    root.append(svg("rect", { x: Math.min(x(0), x(v)), y: py + 4, width: Math.abs(x(v) - x(0)), height: row - 8, fill: v >= 0 ? "#c9733a" : "#5b8def" },
      svg("title", {}, `${e.name}: ${v.toFixed(2)}`)));
    root.append(svg("text", { x: x(v) + (v >= 0 ? 4 : -4), y: py + row / 2 + 4, "text-anchor": v >= 0 ? "start" : "end" }, v.toFixed(2)));
  });
  for (const v of [-1, -0.5, 0, 0.5, 1]) root.append(svg("text", { x: x(v), y: height - 8, "text-anchor": "middle" }, String(v)));
  return root;
}

// Dates on a line over time: the P80 (and P50) finish of each forecast, with the target as a level line.
export function dateTrend({ width = 560, height = 200, series, target, label }) {
  const root = frame(width, height, label);
  const all = series.flatMap((s) => s.points);
  if (!all.length) return root;
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]).concat(target ? [target] : []);
  const day = 86400e3;
  const x = scale(Math.min(...xs) - 60e3, Math.max(...xs) + 60e3, M.l + 30, width - M.r);
  const y = scale(Math.min(...ys) - 7 * day, Math.max(...ys) + 7 * day, height - M.b, M.t);
  const y0 = Math.min(...ys) - 7 * day, y1 = Math.max(...ys) + 7 * day;
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    root.append(svg("line", { x1: M.l + 30, x2: width - M.r, y1: y(v), y2: y(v), stroke: "#e6e9ed" }));
    root.append(svg("text", { x: M.l + 24, y: y(v) + 4, "text-anchor": "end" }, new Date(v).toISOString().slice(0, 10)));
  }
  if (target) {
    root.append(svg("line", { x1: M.l + 30, x2: width - M.r, y1: y(target), y2: y(target), stroke: COLORS.today, "stroke-dasharray": "5 3" }));
    root.append(svg("text", { x: width - M.r - 4, y: y(target) - 4, "text-anchor": "end", fill: COLORS.today }, "target"));
  }
  for (const s of series) {
    const d = s.points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    root.append(svg("path", { d, fill: "none", stroke: s.color, "stroke-width": 2 }));
    for (const p of s.points) root.append(svg("circle", { cx: x(p[0]), cy: y(p[1]), r: 3.5, fill: s.color },
      svg("title", {}, `${s.name} ${new Date(p[1]).toISOString().slice(0, 10)} (forecast of ${new Date(p[0]).toLocaleString()})`)));
  }
  return root;
}

// Gantt of phases: rows [{name, plan: [from, to], actual: [from, to]?, band: [p50, p80]?}] in ms; a today line
// and an optional project-level finish band.
export function gantt({ width = 1100, rows, today, finishBand, target, label }) {
  const row = 34, left = 190, top = 24, height = top + row * rows.length + 30;
  const root = frame(width, height, label);
  const times = rows.flatMap((r) => [...r.plan, ...(r.actual || []), ...(r.band || [])]).concat([today, target]).concat(finishBand || []).filter(Number.isFinite);
  const t0 = Math.min(...times) - 7 * 86400e3, t1 = Math.max(...times) + 7 * 86400e3;
  const x = scale(t0, t1, left, width - M.r);
  // Month ticks.
  const d = new Date(t0); d.setUTCDate(1); d.setUTCHours(0, 0, 0, 0);
  while (d.getTime() <= t1) {
    const px = x(d.getTime());
    if (px >= left) {
      root.append(svg("line", { x1: px, x2: px, y1: top - 6, y2: height - 26, stroke: "#e6e9ed" }));
      if (px < width - 50) root.append(svg("text", { x: px + 3, y: top - 10 }, d.toISOString().slice(0, 7)));
    }
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  if (finishBand && finishBand.every(Number.isFinite)) {
    root.append(svg("rect", { x: x(finishBand[0]), y: top - 4, width: Math.max(2, x(finishBand[1]) - x(finishBand[0])), height: row * rows.length + 4, fill: COLORS.band, "fill-opacity": 0.25 },
      svg("title", {}, "project finish, P50–P80")));
    root.append(svg("text", { x: x(finishBand[0]) - 4, y: top + row * rows.length - 4, "text-anchor": "end", fill: "#8a5a00" }, "finish P50–P80"));
  }
  if (Number.isFinite(target)) {
    root.append(svg("line", { x1: x(target), x2: x(target), y1: top - 6, y2: height - 22, stroke: COLORS.ink, "stroke-width": 1.5, "stroke-dasharray": "5 3" }));
    root.append(svg("text", { x: x(target), y: height - 8, "text-anchor": "middle", fill: COLORS.ink }, "target"));
  }
  rows.forEach((r, i) => {
    const py = top + i * row;
    root.append(svg("text", { x: left - 8, y: py + row / 2 + 4, "text-anchor": "end", fill: COLORS.ink }, r.name));
    if (r.band && r.band.every(Number.isFinite)) {
      root.append(svg("rect", { x: x(r.band[0]), y: py + 3, width: Math.max(3, x(r.band[1]) - x(r.band[0])), height: row - 6, fill: COLORS.band, "fill-opacity": 0.8, rx: 2 },
        svg("title", {}, `${r.name}: forecast end P50–P80 ${iso(r.band[0])} – ${iso(r.band[1])}`)));
    }
    if (r.plan.every(Number.isFinite)) {
      root.append(svg("rect", { x: x(r.plan[0]), y: py + 6, width: Math.max(2, x(r.plan[1]) - x(r.plan[0])), height: 10, fill: COLORS.plan, rx: 2 },
        svg("title", {}, `${r.name}: planned ${iso(r.plan[0])} – ${iso(r.plan[1])}`)));
    }
    if (r.actual && r.actual.every(Number.isFinite)) {
      root.append(svg("rect", { x: x(r.actual[0]), y: py + 18, width: Math.max(2, x(r.actual[1]) - x(r.actual[0])), height: 10, fill: COLORS.actual, rx: 2 },
        svg("title", {}, `${r.name}: actual ${iso(r.actual[0])} – ${iso(r.actual[1])}`)));
    }
  });
  const tx = x(today);
  root.append(svg("line", { x1: tx, x2: tx, y1: top - 6, y2: height - 22, stroke: COLORS.today, "stroke-width": 2 }));
  root.append(svg("text", { x: tx, y: height - 8, "text-anchor": "middle", fill: COLORS.today }, "today"));
  return root;
}

export function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }

export function legend(items) {
  return h("div", { class: "legend", "aria-hidden": "true" }, items.map(([cls, text]) => h("span", {}, h("i", { class: cls }), text)));
}
