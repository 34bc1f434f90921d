// stepguard dashboard: one page, three views, no framework.
//   /                      traffic-light grid of every state machine + alarms panel
//   /state-machines/NAME   diagram, executions (status filter, name search, pages), start/stop/redrive
//   /executions/ARN        diagram coloured by state status, error banner, per-state input/output,
//                          event history
//   /events/unmatched      the event bus's unmatched log (events no rule or waiting task took)
// Data: the guardian API (/guardian/api/...), the Step Functions API of the same server
// (POST / with X-Amz-Target), diagrams from /ui/api/graph, live changes from the
// server-sent events of /guardian/api/events, the unmatched log from /events/api/unmatched.
"use strict";

const PAGE_SIZE = 120;         // tiles per page: the grid stays light with 5,000 machines
const EXEC_PAGE_SIZE = 25;
const $app = document.getElementById("app");

// ---- helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function sfn(action, body) {
  const r = await fetch("/", {
    method: "POST",
    headers: { "X-Amz-Target": "AWSStepFunctions." + action, "Content-Type": "application/x-amz-json-1.0" },
    body: JSON.stringify(body || {}),
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    const type = String(data.__type || r.status).split("#").pop();
    throw new Error(type + ": " + (data.message || data.Message || ""));
  }
  return data;
}

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}

function fmtDate(v) {
  if (v === undefined || v === null || v === "") return "";
  const d = typeof v === "number" ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
  return isNaN(d) ? String(v) : d.toLocaleString();
}

function pretty(text) {
  if (text === undefined || text === null) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return String(text); }
}

function statusColour(status) {
  switch (status) {
    case "SUCCEEDED": return "green";
    case "FAILED": case "TIMED_OUT": case "ABORTED": return "red";
    case "RUNNING": return "blue";
    default: return "grey";
  }
}

function link(href, ...children) {
  return h("a", { href, "data-link": true }, ...children);
}

function machinePath(name, arn) {
  return "/state-machines/" + encodeURIComponent(name) + (arn ? "?arn=" + encodeURIComponent(arn) : "");
}

function executionPath(arn) { return "/executions/" + encodeURIComponent(arn); }

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

function errorBox(e) { return h("p", { class: "error-text" }, String(e.message || e)); }

// ---- live events: one EventSource for the whole app; views subscribe while shown

const listeners = new Set();
function onLive(fn) { listeners.add(fn); return () => listeners.delete(fn); }
(function connectEvents() {
  const live = document.getElementById("live");
  const es = new EventSource("/guardian/api/events");
  es.onopen = () => { live.textContent = "live"; live.classList.add("on"); };
  es.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
  for (const name of ["status", "alarm"]) {
    es.addEventListener(name, (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch { return; }
      for (const fn of [...listeners]) fn(name, data);
    });
  }
})();

// ---- router

let leaveView = null;
function navigate(path, replace) {
  if (replace) history.replaceState(null, "", path); else history.pushState(null, "", path);
  route();
}
document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", route);

function route() {
  if (leaveView) leaveView();
  leaveView = null;
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  window.scrollTo(0, 0);
  if (path.startsWith("/state-machines/")) {
    leaveView = machineView(decodeURIComponent(path.slice("/state-machines/".length)), params.get("arn"));
  } else if (path.startsWith("/executions/")) {
    leaveView = executionView(decodeURIComponent(path.slice("/executions/".length)));
  } else if (path === "/events/unmatched") {
    leaveView = unmatchedView();
  } else {
    leaveView = gridView(params);
  }
}

// ---- grid view

const STATUSES = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING", "NONE"];
const STATUS_LABEL = { SUCCEEDED: "Succeeded", FAILED: "Failed", TIMED_OUT: "Timed out", ABORTED: "Aborted",
                       RUNNING: "Running", NONE: "Never run" };

function tileElement(t) {
  const latest = t.latest;
  const status = latest ? latest.status : "NONE";
  const el = link(machinePath(t.name, t.stateMachineArn));
  el.className = "tile c-" + statusColour(status);
  el.dataset.arn = t.stateMachineArn;
  el.dataset.name = t.name;
  el.dataset.status = status;
  el.dataset.alarm = t.alarmState || "";
  el.append(h("div", { class: "name" }, t.name));
  el.append(h("div", { class: "status" }, STATUS_LABEL[status] || status));
  if (latest) {
    el.append(h("div", { class: "detail", title: latest.executionArn }, latest.name || ""));
    el.append(h("div", { class: "detail" }, fmtDate(latest.stopDate || latest.startDate)));
    if (latest.error) el.append(h("div", { class: "detail", title: latest.cause || "" }, latest.error));
  }
  if (t.account && t.region) el.append(h("div", { class: "where" }, t.account + " · " + t.region));
  if (t.alarmState) {
    const names = (t.alarms || []).map((a) => a.alarmName + ": " + a.stateValue).join("\n");
    el.append(h("span", { class: "badge a-" + t.alarmState, title: names }, t.alarmState === "INSUFFICIENT_DATA" ? "NO DATA" : t.alarmState));
  }
  return el;
}

function gridView(params) {
  const state = { name: params.get("name") || "", status: params.get("status") || "", tag: params.get("tag") || "",
                  offset: Number(params.get("offset") || 0) };
  let alive = true;
  const nameIn = h("input", { type: "search", placeholder: "Filter by name", value: state.name, id: "filter-name" });
  const tagIn = h("input", { type: "search", placeholder: "Tag key=value", value: state.tag, id: "filter-tag" });
  const statusSel = h("select", { id: "filter-status" }, h("option", { value: "" }, "Any status"),
    STATUSES.map((s) => h("option", { value: s, selected: s === state.status }, STATUS_LABEL[s])));
  const counts = h("div", { class: "counts", id: "counts" });
  const grid = h("div", { class: "grid", id: "grid" }, h("p", { class: "muted" }, "Loading…"));
  const pager = h("div", { class: "pager" });
  const alarms = h("div", { class: "panel", id: "alarms" }, h("h2", {}, "Alarms"), h("p", { class: "muted" }, "Loading…"));
  const unmatched = unmatchedPanel(UNMATCHED_PANEL_ROWS);
  $app.replaceChildren(h("div", { class: "layout" },
    h("section", {}, h("h1", {}, "State machines"), h("div", { class: "toolbar" }, nameIn, tagIn, statusSel), counts, grid, pager),
    h("aside", {}, alarms, unmatched.el)));

  function query(extra) {
    const q = new URLSearchParams();
    if (state.name) q.set("name", state.name);
    if (state.status) q.set("status", state.status);
    if (state.tag) q.set("tag", state.tag);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q;
  }

  let lastTotal = 0;
  async function load() {
    let data;
    try {
      data = await getJson("/guardian/api/state-machines?" + query({ offset: state.offset, limit: PAGE_SIZE }));
    } catch (e) { grid.replaceChildren(errorBox(e)); return; }
    if (!alive) return;
    const list = data.stateMachines || [];
    renderCounts(data.counts || {});
    grid.replaceChildren(...(list.length ? list.map(tileElement) : [h("p", { class: "muted" }, "No state machine matches.")]));
    const total = typeof data.total === "number" ? data.total : null;
    lastTotal = total;
    const from = list.length ? state.offset + 1 : 0, to = state.offset + list.length;
    pager.replaceChildren(
      h("button", { id: "prev-page", disabled: state.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); sync(); } }, "‹ Previous"),
      h("span", { class: "muted" }, `${from}–${to}` + (total !== null ? ` of ${total}` : "")),
      h("button", { id: "next-page", disabled: total !== null ? to >= total : list.length < PAGE_SIZE, onclick: () => { state.offset += PAGE_SIZE; sync(); } }, "Next ›"));
  }

  function renderCounts(c) {
    counts.replaceChildren(...STATUSES.map((s) => h("span", {
      class: "count s-" + s + (state.status === s ? " active" : ""), "data-status": s,
      onclick: () => { state.status = state.status === s ? "" : s; statusSel.value = state.status; state.offset = 0; sync(); },
    }, STATUS_LABEL[s], h("b", { id: "count-" + s }, c[s] || 0))));
  }

  async function loadAlarms() {
    let data;
    try { data = await getJson("/guardian/api/alarms"); } catch (e) { alarms.replaceChildren(h("h2", {}, "Alarms"), errorBox(e)); return; }
    if (!alive) return;
    const rank = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
    const list = (data.alarms || []).slice().sort((a, b) =>
      (rank[a.stateValue] ?? 3) - (rank[b.stateValue] ?? 3) || String(a.alarmName).localeCompare(b.alarmName));
    const inAlarm = list.filter((a) => a.stateValue === "ALARM").length;
    alarms.replaceChildren(h("h2", {}, "Alarms ", h("span", { class: "muted" }, `(${inAlarm} in alarm of ${list.length})`)),
      ...(list.length ? list.map((a) => h("div", { class: "alarm", "data-alarm": a.alarmName, "data-state": a.stateValue },
        h("div", {}, h("div", { class: "an" }, a.alarmName), h("div", { class: "reason" }, a.stateReason || "")),
        h("span", { class: "badge a-" + a.stateValue }, a.stateValue))) : [h("p", { class: "muted" }, "No alarms.")]));
  }

  function sync() {
    const q = query(state.offset ? { offset: state.offset } : {});
    history.replaceState(null, "", "/" + (q.toString() ? "?" + q : ""));
    load();
  }
  const refilter = debounce(() => { state.offset = 0; sync(); }, 250);
  nameIn.addEventListener("input", () => { state.name = nameIn.value.trim(); refilter(); });
  tagIn.addEventListener("input", () => { state.tag = tagIn.value.trim(); refilter(); });
  statusSel.addEventListener("change", () => { state.status = statusSel.value; state.offset = 0; sync(); });

  // Live: a tile on this page changes in place at once; counts (and pages whose membership
  // may change) are fetched again shortly after, coalescing bursts.
  const reload = debounce(load, 400);
  const reloadAlarms = debounce(loadAlarms, 400);
  const off = onLive((event, data) => {
    if (event === "status" && data && data.stateMachineArn) {
      const old = grid.querySelector(`.tile[data-arn="${CSS.escape(data.stateMachineArn)}"]`);
      if (old) {
        const fresh = tileElement(data);
        fresh.classList.add("flash");
        old.replaceWith(fresh);
      }
      reload();
    } else if (event === "alarm") {
      reloadAlarms();
      reload();
    }
  });
  load();
  loadAlarms();
  return () => { alive = false; off(); unmatched.stop(); };
}

// ---- unmatched events: the event bus's log of events that no rule matched and no task waited for

const UNMATCHED_REFRESH_MS = 3000;
const UNMATCHED_PANEL_ROWS = 8;

// The correlation key under the default KeyPath of events:waitForEvent ($.detail.correlation_id).
function correlationKey(event) {
  let detail = event && event.detail;
  if (typeof detail === "string") { try { detail = JSON.parse(detail); } catch { detail = null; } }
  const key = detail && typeof detail === "object" ? detail.correlation_id : undefined;
  return key === undefined || key === null ? "" : typeof key === "string" ? key : JSON.stringify(key);
}

function unmatchedRow(item, open) {
  const ev = item.event || {};
  const key = correlationKey(ev);
  const json = h("pre", { class: "json", hidden: !open }, JSON.stringify(ev, null, 2));
  const row = h("div", { class: "unmatched" + (open ? " open" : ""), "data-id": ev.id || "", "data-detail-type": ev["detail-type"] || "",
                         title: "Click to show the event" },
    h("div", { class: "um-head" },
      h("span", { class: "um-time" }, fmtDate(item.received || ev.time)),
      h("span", { class: "um-bus" }, item.bus || ""),
      h("span", { class: "um-source" }, ev.source || ""),
      h("span", { class: "um-type" }, ev["detail-type"] || ""),
      key ? h("span", { class: "um-key", title: "detail.correlation_id" }, "key ", h("b", {}, key)) : null),
    json);
  row.addEventListener("click", (e) => {
    if (e.target.closest("pre")) return;  // let the JSON be selected
    json.hidden = !json.hidden;
    row.classList.toggle("open", !json.hidden);
  });
  return row;
}

// A self-refreshing list; limit: rows shown (0: all). Returns { el, stop }.
function unmatchedPanel(limit) {
  let alive = true, timer = null;
  const opened = new Set();  // event ids whose JSON is shown, kept across refreshes
  const el = h("div", { class: "panel", id: "unmatched" }, h("h2", {}, "Unmatched events"), h("p", { class: "muted" }, "Loading…"));
  async function load() {
    clearTimeout(timer);
    let data = null, error = null;
    try { data = await getJson("/events/api/unmatched"); } catch (e) { error = e; }
    if (!alive) return;
    for (const row of el.querySelectorAll(".unmatched.open")) opened.add(row.dataset.id);
    for (const row of el.querySelectorAll(".unmatched:not(.open)")) opened.delete(row.dataset.id);
    const list = data ? data.events || [] : [];
    const shown = limit ? list.slice(0, limit) : list;
    const title = h("h2", {}, "Unmatched events ", h("span", { class: "muted", id: "unmatched-count" }, `(${list.length})`));
    el.replaceChildren(title,
      ...(error ? [errorBox(error)] : shown.length
        ? shown.map((item) => unmatchedRow(item, opened.has((item.event || {}).id)))
        : [h("p", { class: "muted" }, "No unmatched events: every event was taken by a rule or a waiting task.")]),
      ...(limit && list.length > limit ? [h("p", {}, link("/events/unmatched", `All ${list.length} unmatched events ›`))] : []));
    clearTimeout(timer);
    if (alive) timer = setTimeout(load, UNMATCHED_REFRESH_MS);
  }
  const onShow = () => { if (document.visibilityState === "visible") load(); };
  document.addEventListener("visibilitychange", onShow);
  load();
  return { el, stop: () => { alive = false; clearTimeout(timer); document.removeEventListener("visibilitychange", onShow); } };
}

function unmatchedView() {
  const panel = unmatchedPanel(0);
  $app.replaceChildren(h("p", { class: "muted" }, link("/", "State machines"), " / Unmatched events"),
    h("h1", {}, "Unmatched events"),
    h("p", { class: "muted" }, "Events published to a bus that no rule matched and no waiting task took, newest first ",
      "(refreshed every few seconds). Click an event to see it."),
    panel.el);
  return panel.stop;
}

// ---- diagrams

async function loadGraph(container, definition) {
  container.replaceChildren(h("p", { class: "muted" }, "Laying out the diagram…"));
  const r = await fetch("/ui/api/graph", { method: "POST", body: definition });
  const text = await r.text();
  if (!r.ok) { container.replaceChildren(errorBox(new Error(text))); return null; }
  container.innerHTML = text;
  const svg = container.querySelector("svg");
  if (svg) {
    // Natural size (Graphviz gives points), shrunk to fit the panel but never blown up.
    const width = parseFloat(svg.getAttribute("width")) * 4 / 3;
    svg.removeAttribute("width"); svg.removeAttribute("height");
    if (width > 0) svg.style.width = width + "px";
  }
  return svg;
}

function stateNode(svg, name) {
  if (!svg) return null;
  const el = svg.ownerDocument.getElementById("state-" + name);
  return el && svg.contains(el) ? el : null;
}

// ---- state machine view

async function findMachineArn(name, arn) {
  if (arn) return arn;
  const data = await getJson("/guardian/api/state-machines?" + new URLSearchParams({ name, limit: 1000 }));
  const m = (data.stateMachines || []).find((t) => t.name === name);
  if (m) return m.stateMachineArn;
  let token;
  do {
    const page = await sfn("ListStateMachines", token ? { maxResults: 1000, nextToken: token } : { maxResults: 1000 });
    const hit = (page.stateMachines || []).find((s) => s.name === name);
    if (hit) return hit.stateMachineArn;
    token = page.nextToken;
  } while (token);
  throw new Error(`State machine '${name}' does not exist`);
}

function machineView(name, arnParam) {
  let alive = true;
  const header = h("div", {}, h("p", { class: "muted" }, link("/", "State machines"), " / ", name), h("h1", {}, name));
  const summary = h("div", { class: "summary" });
  const graph = h("div", { class: "graph", id: "graph" });
  const statusSel = h("select", { id: "exec-status" }, h("option", { value: "" }, "Any status"),
    ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"].map((s) => h("option", { value: s }, STATUS_LABEL[s])));
  const search = h("input", { type: "search", placeholder: "Search by execution name", id: "exec-search" });
  const startBtn = h("button", { class: "primary", id: "start-execution" }, "Start execution");
  const table = h("div", { id: "executions" });
  const pager = h("div", { class: "pager" });
  const message = h("div", {});
  $app.replaceChildren(header, message, summary, h("div", { class: "cols" },
    h("section", {}, h("h2", {}, "Definition"), graph),
    h("section", {}, h("h2", {}, "Executions"), h("div", { class: "toolbar" }, statusSel, search, startBtn), table, pager)));

  let arn = null;
  const tokens = [null];  // nextToken of each page seen
  let page = 0;
  let rows = [];

  async function loadExecutions() {
    const req = { stateMachineArn: arn, maxResults: EXEC_PAGE_SIZE };
    if (statusSel.value) req.statusFilter = statusSel.value;
    if (tokens[page]) req.nextToken = tokens[page];
    let data;
    try { data = await sfn("ListExecutions", req); } catch (e) { table.replaceChildren(errorBox(e)); return; }
    if (!alive) return;
    rows = data.executions || [];
    tokens[page + 1] = data.nextToken || null;
    renderRows();
    pager.replaceChildren(
      h("button", { disabled: page === 0, onclick: () => { page--; loadExecutions(); } }, "‹ Newer"),
      h("span", { class: "muted" }, "Page " + (page + 1)),
      h("button", { disabled: !data.nextToken, onclick: () => { page++; loadExecutions(); } }, "Older ›"));
  }

  // The list is paged, so a name not on this page is also looked up exactly (DescribeExecution).
  let exact = null;
  const lookupExact = debounce(async () => {
    const q = search.value.trim();
    exact = null;
    if (!q || !arn || rows.some((e) => e.name.toLowerCase().includes(q.toLowerCase()))) return;
    try {
      const d = await sfn("DescribeExecution", { executionArn: arn.replace(":stateMachine:", ":execution:") + ":" + q });
      if (alive && search.value.trim() === q) { exact = d; renderRows(); }
    } catch (e) { /* no execution of that name */ }
  }, 250);

  function renderRows() {
    const q = search.value.trim().toLowerCase();
    const shown = rows.filter((e) => !q || e.name.toLowerCase().includes(q));
    if (!shown.length && exact && exact.name.toLowerCase() === q && (!statusSel.value || exact.status === statusSel.value))
      shown.push(exact);
    table.replaceChildren(h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Status"), h("th", {}, "Started"), h("th", {}, "Ended"), h("th", {}, ""))),
      h("tbody", {}, shown.length ? shown.map((e) => h("tr", { "data-execution": e.name },
        h("td", {}, link(executionPath(e.executionArn), e.name)),
        h("td", {}, h("span", { class: "st s-" + e.status }, e.status)),
        h("td", {}, fmtDate(e.startDate)), h("td", {}, fmtDate(e.stopDate)),
        h("td", {}, actionButtons(e, () => loadExecutions())))) : h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No executions.")))));
  }

  async function load() {
    try {
      arn = await findMachineArn(name, arnParam);
      const d = await sfn("DescribeStateMachine", { stateMachineArn: arn });
      if (!alive) return;
      summary.replaceChildren(h("div", {}, h("b", {}, "ARN"), d.stateMachineArn), h("div", {}, h("b", {}, "Type"), d.type),
        h("div", {}, h("b", {}, "Status"), d.status), h("div", {}, h("b", {}, "Created"), fmtDate(d.creationDate)));
      loadGraph(graph, d.definition);
      loadExecutions();
    } catch (e) { message.replaceChildren(errorBox(e)); }
  }

  statusSel.addEventListener("change", () => { page = 0; tokens.length = 1; loadExecutions(); });
  search.addEventListener("input", () => { renderRows(); lookupExact(); });
  startBtn.addEventListener("click", () => startDialog(arn, (execArn) => navigate(executionPath(execArn))));
  const refresh = debounce(() => { if (arn) loadExecutions(); }, 300);
  const off = onLive((event, data) => { if (event === "status" && data && data.stateMachineArn === arn) refresh(); });
  load();
  return () => { alive = false; off(); };
}

function actionButtons(e, after) {
  const out = [];
  const act = (label, action, body) => h("button", { "data-action": action, onclick: async (ev) => {
    ev.target.disabled = true;
    try { await sfn(action, body); } catch (err) { alert(err.message); }
    after();
  } }, label);
  if (e.status === "RUNNING") out.push(act("Stop", "StopExecution", { executionArn: e.executionArn }));
  if (["FAILED", "TIMED_OUT", "ABORTED"].includes(e.status)) out.push(act("Redrive", "RedriveExecution", { executionArn: e.executionArn }));
  return out;
}

function startDialog(arn, started) {
  const nameIn = h("input", { placeholder: "Name (optional)", style: "width:100%;margin-bottom:8px" });
  const input = h("textarea", { id: "start-input" }, "{}");
  const err = h("p", { class: "error-text" });
  const dlg = h("dialog", {}, h("h2", {}, "Start execution"), nameIn, input, err,
    h("div", { class: "toolbar" },
      h("button", { class: "primary", id: "start-confirm", onclick: async () => {
        try {
          JSON.parse(input.value);
          const body = { stateMachineArn: arn, input: input.value };
          if (nameIn.value.trim()) body.name = nameIn.value.trim();
          const r = await sfn("StartExecution", body);
          dlg.close(); dlg.remove(); started(r.executionArn);
        } catch (e) { err.textContent = e.message; }
      } }, "Start"),
      h("button", { onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel")));
  document.body.append(dlg);
  dlg.showModal();
}

// ---- execution view: state statuses derived from the history as the console does

const FAILURE = /(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed|Aborted)$/;

// Each entry into a state (states in a Map run once per item) ends as: succeeded (exited),
// caught error (exited right after a failure event: a Catch took it), failed (a failure
// inside, or abandoned when its Parallel/Map failed, or open when the execution failed),
// cancelled (abandoned with no failure of its own, or open when the execution was aborted),
// or in progress. A state shows the worst of its entries.
const RANK = { failed: 5, inprogress: 4, caught: 3, cancelled: 2, succeeded: 1 };

function stateStatuses(events, execStatus) {
  const states = new Map();  // name -> {entries: [status], input, output, events}
  const open = [];           // entries not exited yet, innermost last: {name, state, failed}
  const get = (name) => {
    if (!states.has(name)) states.set(name, { entries: [], input: undefined, output: undefined, events: [] });
    return states.get(name);
  };
  let prevType = "";
  for (const ev of events) {
    const entered = ev.stateEnteredEventDetails, exited = ev.stateExitedEventDetails;
    if (entered) {
      const s = get(entered.name);
      s.input = entered.input; s.events.push(ev);
      const entry = { name: entered.name, s, index: s.entries.length, failed: ev.type === "FailStateEntered" };
      s.entries.push("inprogress");
      open.push(entry);
    } else if (exited) {
      const s = get(exited.name);
      s.output = exited.output; s.events.push(ev);
      let i = open.length - 1;
      while (i >= 0 && open[i].name !== exited.name) i--;
      if (i >= 0) {
        // States still open inside it were abandoned (a branch failed or the Map stopped).
        for (const inner of open.splice(i + 1)) inner.s.entries[inner.index] = inner.failed ? "failed" : "cancelled";
        const entry = open.pop();
        s.entries[entry.index] = FAILURE.test(prevType) ? "caught" : "succeeded";
      }
    } else if (!ev.type.startsWith("Execution") && !ev.type.startsWith("MapRun") && open.length) {
      // Task/Lambda/Activity/Map/Parallel events belong to the state entered last.
      const entry = open[open.length - 1];
      entry.s.events.push(ev);
      if (FAILURE.test(ev.type)) entry.failed = true;
    }
    prevType = ev.type;
  }
  for (const entry of open) {
    entry.s.entries[entry.index] = execStatus === "RUNNING" ? "inprogress"
      : execStatus === "ABORTED" ? "cancelled" : entry.failed || execStatus !== "SUCCEEDED" ? "failed" : "cancelled";
  }
  const result = new Map();
  for (const [name, s] of states) {
    const status = s.entries.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), "succeeded");
    result.set(name, { status, input: s.input, output: s.output, events: s.events });
  }
  return result;
}

async function fullHistory(arn) {
  const events = [];
  let token;
  do {
    const page = await sfn("GetExecutionHistory", token ? { executionArn: arn, maxResults: 1000, nextToken: token } : { executionArn: arn, maxResults: 1000 });
    events.push(...(page.events || []));
    token = page.nextToken;
  } while (token && events.length < 25000);
  return events;
}

const STATE_LABEL = { inprogress: "In progress", succeeded: "Succeeded", failed: "Failed", caught: "Caught error", cancelled: "Cancelled" };

function executionView(arn) {
  let alive = true;
  let svg = null, definitionShown = null, selected = null, statuses = new Map(), timer = null;
  const crumbs = h("p", { class: "muted" }, link("/", "State machines"));
  const title = h("h1", {}, arn.split(":").pop());
  const banner = h("div", { id: "error-banner" });
  const summary = h("div", { class: "summary" });
  const actions = h("div", { class: "toolbar" });
  const graph = h("div", { class: "graph", id: "graph" });
  const legend = h("div", { class: "legend" }, Object.entries(STATE_LABEL).map(([k, v]) => h("span", { class: "l-" + k }, v)));
  const step = h("div", { class: "panel", id: "step-details" }, h("p", { class: "muted" }, "Select a state in the diagram to see its input and output."));
  const io = h("div", { class: "two" });
  const history = h("div", { id: "history" });
  $app.replaceChildren(crumbs, title, banner, summary, actions, h("div", { class: "cols" },
    h("section", {}, h("h2", {}, "Graph view"), legend, graph),
    h("section", {}, h("h2", {}, "Step details"), step)), h("h2", {}, "Execution input and output"), io, h("h2", {}, "Events"), history);

  function showStep(name) {
    selected = name;
    if (svg) for (const g of svg.querySelectorAll("g.state")) g.classList.toggle("selected", g.id === "state-" + name);
    const s = statuses.get(name);
    step.replaceChildren(h("h2", {}, name), s ? h("p", {}, "Status: ", h("b", { id: "step-status" }, STATE_LABEL[s.status])) : h("p", { class: "muted" }, "Not visited."),
      h("b", {}, "Input"), h("pre", { class: "json", id: "step-input" }, s && s.input !== undefined ? pretty(s.input) : "—"),
      h("b", {}, "Output"), h("pre", { class: "json", id: "step-output" }, s && s.output !== undefined ? pretty(s.output) : "—"));
  }

  function paint() {
    if (!svg) return;
    for (const g of svg.querySelectorAll("g.state")) {
      g.classList.remove("st-inprogress", "st-succeeded", "st-failed", "st-caught", "st-cancelled");
      const s = statuses.get(g.id.slice("state-".length));
      if (s) g.classList.add("st-" + s.status);
      g.dataset.status = s ? s.status : "";
    }
  }

  async function load() {
    let d, events;
    try {
      d = await sfn("DescribeExecution", { executionArn: arn });
      events = await fullHistory(arn);
    } catch (e) { banner.replaceChildren(errorBox(e)); return; }
    if (!alive) return;
    const machineName = d.stateMachineArn.split(":").pop();
    crumbs.replaceChildren(link("/", "State machines"), " / ", link(machinePath(machineName, d.stateMachineArn), machineName), " / ", d.name);
    title.replaceChildren(d.name, " ", h("span", { class: "st s-" + d.status, id: "execution-status" }, d.status));
    summary.replaceChildren(h("div", {}, h("b", {}, "Execution ARN"), d.executionArn), h("div", {}, h("b", {}, "State machine"), d.stateMachineArn),
      h("div", {}, h("b", {}, "Started"), fmtDate(d.startDate)), h("div", {}, h("b", {}, "Ended"), fmtDate(d.stopDate)),
      ...(d.redriveCount ? [h("div", {}, h("b", {}, "Redrives"), d.redriveCount, " (last ", fmtDate(d.redriveDate), ")")] : []));
    banner.replaceChildren(...(d.error || d.cause || ["FAILED", "TIMED_OUT", "ABORTED"].includes(d.status)
      ? [h("div", { class: "banner error" }, h("b", {}, "Execution " + d.status.toLowerCase().replace("_", " ")), d.error ? ": " + d.error : "",
          d.cause ? h("pre", { id: "error-cause" }, pretty(d.cause)) : null)] : []));
    actions.replaceChildren(...actionButtons(d, load));
    io.replaceChildren(h("div", {}, h("b", {}, "Input"), h("pre", { class: "json" }, pretty(d.input))),
      h("div", {}, h("b", {}, "Output"), h("pre", { class: "json" }, d.output !== undefined ? pretty(d.output) : "—")));
    statuses = stateStatuses(events, d.status);
    if (definitionShown === null) {
      const m = await sfn("DescribeStateMachineForExecution", { executionArn: arn }).catch(() => null);
      if (!alive || !m) return;
      definitionShown = m.definition;
      svg = await loadGraph(graph, m.definition);
      if (svg) for (const g of svg.querySelectorAll("g.state")) g.addEventListener("click", () => showStep(g.id.slice("state-".length)));
    }
    paint();
    if (svg) svg.dataset.painted = String(events.length);
    if (selected) showStep(selected);
    else {
      // Jump to the failing step, as the console's "Show step detail" does.
      const failed = [...statuses].find(([, s]) => s.status === "failed");
      if (failed) showStep(failed[0]);
    }
    renderHistory(events);
    clearTimeout(timer);
    if (d.status === "RUNNING" && alive) timer = setTimeout(load, 1000);
  }

  function renderHistory(events) {
    history.replaceChildren(h("p", { class: "muted" }, `${events.length} events`), h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Type"), h("th", {}, "Step"), h("th", {}, "Time"), h("th", {}, "Details"))),
      h("tbody", {}, events.map((ev) => {
        const details = Object.entries(ev).find(([k]) => k.endsWith("EventDetails"));
        const stepName = (ev.stateEnteredEventDetails || ev.stateExitedEventDetails || {}).name || "";
        const text = details ? JSON.stringify(details[1]) : "";
        return h("tr", { class: FAILURE.test(ev.type) ? "ev-failed" : "" }, h("td", {}, ev.id), h("td", {}, ev.type), h("td", {}, stepName),
          h("td", {}, fmtDate(ev.timestamp)), h("td", { title: text }, text.length > 160 ? text.slice(0, 160) + "…" : text));
      }))));
  }

  const refresh = debounce(load, 200);
  const off = onLive((event, data) => {
    if (event === "status" && data && data.latest && data.latest.executionArn === arn) refresh();
  });
  load();
  return () => { alive = false; off(); clearTimeout(timer); };
}

route();
