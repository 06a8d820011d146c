// The dashboard's shell: token login, the hash router (#/queues, #/queues/<name>, #/dead, #/workers,
// #/projects, #/projects/<id>), and the live feed, whose messages go to the view on screen.

import { get, token, followEvents } from "./api.js";
import { h } from "./dom.js";
import { renderQueues, renderQueue } from "./queues.js";
import { renderDead } from "./dead.js";
import { renderWorkers } from "./workers.js";
import { renderProjects } from "./projects.js";
import { renderProject } from "./project.js";

const $ = (id) => document.getElementById(id);
let current = null, feed = null;

// Moves focus to the new view on navigation (not on the first load, where Tab should start at the skip link).
function route(focus = false) {
  const [view = "queues", arg] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const main = $("view");
  main.replaceChildren();
  const section = h("div", { "data-view": view });
  main.append(section);
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.view === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  const views = {
    queues: () => (arg ? renderQueue(section, arg) : renderQueues(section)),
    dead: () => renderDead(section),
    workers: () => renderWorkers(section),
    projects: () => (arg ? renderProject(section, arg) : renderProjects(section)),
  };
  current = (views[view] || views.queues)();
  document.title = `Gantry · ${view}${arg ? " · " + arg : ""}`;
  if (focus) $("main").focus({ preventScroll: true });
}

function signedIn() {
  $("login").hidden = true;
  $("nav").hidden = false;
  $("logout").hidden = false;
  if (!location.hash) location.hash = "#/queues";
  route();
  feed?.stop();
  feed = followEvents(
    (name, data) => current?.onEvent?.(name, data),
    (open) => { $("live").textContent = open ? "live" : "reconnecting…"; $("live").classList.toggle("on", open); });
}

function signedOut(message = "") {
  feed?.stop();
  feed = null;
  token.clear();
  $("view").replaceChildren();
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("live").textContent = "offline";
  $("live").classList.remove("on");
  $("login-error").textContent = message;
  $("token").focus();
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  token.set($("token").value.trim());
  try {
    await get("/v1/queues");
    $("token").value = "";
    $("login-error").textContent = "";
    signedIn();
  } catch (err) {
    signedOut(`Sign-in failed: ${err.message}`);
  }
});
$("logout").addEventListener("click", () => signedOut());
window.addEventListener("hashchange", () => { if (token.get()) route(true); });
window.addEventListener("gantry:unauthorized", () => signedOut("The token was refused (revoked or expired). Sign in again."));

if (token.get()) signedIn(); else signedOut();
