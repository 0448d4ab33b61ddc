// The ferrosynth dashboard: batches, progress, tokens and cost; a task's request and answer.
// Everything from the server is inserted as text (textContent), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let key = sessionStorage.getItem("ferrosynth-key") || "";
let selected = null;

// Deep links: #key=K (stored for the session, then removed from the address), #batch=B, #task=M.
const fragment = new URLSearchParams(location.hash.slice(1));
let openTask = fragment.get("task");
selected = fragment.get("batch");
if (fragment.get("key")) {
  key = fragment.get("key");
  sessionStorage.setItem("ferrosynth-key", key);
  fragment.delete("key");
  history.replaceState(null, "", location.pathname + (fragment.toString() ? "#" + fragment : ""));
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + key, Accept: "application/json" } });
  if (response.status === 401) { throw new Error("unauthorized"); }
  if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
  return response.json();
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) { td.className = className; }
  row.appendChild(td);
  return td;
}

const fmt = (n) => Number(n || 0).toLocaleString("en-US");
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

function cost(batch) {
  const pin = parseFloat($("price-in").value) || 0;
  const pout = parseFloat($("price-out").value) || 0;
  return "$" + ((batch.prompt_tokens / 1e6) * pin + (batch.completion_tokens / 1e6) * pout).toFixed(4);
}

function renderBatches(list) {
  const body = $("batches").querySelector("tbody");
  body.replaceChildren();
  $("batch-count").textContent = "(" + list.total + ")";
  $("empty").hidden = list.total > 0;
  for (const b of list.batches) {
    const row = document.createElement("tr");
    row.dataset.batch = b.batch_id;
    cell(row, b.batch_id);
    cell(row, b.batch_status, "status-" + b.batch_status);
    const done = b.completed_tasks + b.cached_tasks + b.failed_tasks;
    const pct = b.total_tasks ? Math.round((done / b.total_tasks) * 100) : 0;
    const progress = cell(row, "");
    const bar = document.createElement("span");
    bar.className = "bar";
    const fill = document.createElement("span");
    fill.style.width = pct + "%";
    bar.appendChild(fill);
    progress.appendChild(bar);
    progress.appendChild(document.createTextNode(" " + fmt(done) + " / " + fmt(b.total_tasks) + " (" + pct + "%)"));
    cell(row, fmt(b.completed_tasks));
    cell(row, fmt(b.cached_tasks));
    cell(row, fmt(b.failed_tasks));
    cell(row, fmt(b.processing_tasks));
    cell(row, fmt(b.pending_tasks));
    cell(row, fmt(b.prompt_tokens) + " / " + fmt(b.completion_tokens));
    cell(row, cost(b));
    cell(row, when(b.created_at));
    row.addEventListener("click", () => { selected = b.batch_id; loadTasks(); });
    body.appendChild(row);
  }
}

async function loadTasks() {
  if (!selected) { return; }
  $("detail").hidden = false;
  $("detail-id").textContent = selected;
  const status = $("status-filter").value;
  const page = await api("/api/v1/batches/" + encodeURIComponent(selected) + "/tasks?page_size=100&task_status=" + status);
  const body = $("tasks").querySelector("tbody");
  body.replaceChildren();
  for (const t of page.tasks) {
    const row = document.createElement("tr");
    cell(row, t.message_id);
    cell(row, t.custom_id || "");
    cell(row, t.status, "status-" + t.status);
    cell(row, t.cached ? "yes" : "");
    cell(row, t.duration == null ? "" : fmt(t.duration));
    cell(row, when(t.completed_at));
    row.addEventListener("click", () => showTask(t));
    body.appendChild(row);
  }
}

function showTask(t) {
  $("task-view").hidden = false;
  $("task-request").textContent = JSON.stringify(t.body, null, 2);
  $("task-answer").textContent = JSON.stringify(t.completions, null, 2);
}

async function refresh() {
  try {
    const health = await fetch("/health").then((r) => r.json());
    $("health").textContent = health.status + " · " + health.services.task_queue_consumers + " workers · " +
      fmt(health.services.task_queue_messages) + " queued";
    $("health").className = "pill " + health.status;
    renderBatches(await api("/api/v1/batches"));
    $("login").hidden = true;
    $("main").hidden = false;
  } catch (e) {
    if (e.message === "unauthorized") {
      $("main").hidden = true;
      $("login").hidden = false;
      $("login-error").textContent = key ? "That key was refused." : "";
      return false;
    }
    $("health").textContent = "unreachable";
    $("health").className = "pill unhealthy";
  }
  return true;
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  key = $("key").value;
  sessionStorage.setItem("ferrosynth-key", key);
  refresh();
});
$("status-filter").addEventListener("change", loadTasks);
for (const id of ["price-in", "price-out"]) { $(id).addEventListener("input", refresh); }

async function start() {
  if (await refresh()) {
    if (selected) { await loadTasks().catch(() => {}); }
    if (openTask) {
      showTask(await api("/api/v1/tasks/" + encodeURIComponent(openTask)));
      openTask = null;
    }
  }
}

start();
setInterval(async () => { if (await refresh()) { loadTasks().catch(() => {}); } }, 2000);
