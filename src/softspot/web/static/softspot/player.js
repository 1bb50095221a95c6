// The browser player: drives the session engine from performance.now()
// deadlines, shows and says each step, keeps the session alive and resumable,
// and queues the finished record until the server has it.
//
// Configuration comes only from the JSON island #session-data (docs/web.md).
// Timers here only wake the page up; how much time has passed is always read
// from the clock, so a late or throttled timer never makes a step longer.

import { Engine } from "./engine.js";
import { CuePlayer } from "./audio.js";
import { changeText, clockText, confirmText, counter, protection, readinessText } from "./display.js";
import { BackgroundSound, ScreenKeeper, mediaButtons } from "./keepalive.js";
import { newKey } from "./keys.js";
import { Outbox, csrfToken, fetchSender, idbStore, memoryStore } from "./outbox.js";
import { buildRecord, isoSeconds, ratingsFrom } from "./record.js";
import * as snapshots from "./snapshot.js";
import { language, setWords, t } from "./words.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("session-data").textContent);
// The page's words, before anything is shown (the island carries only the page's language).
setWords(data.words, data.lang || document.documentElement.lang);
const script = data.script;
const scale = Number(data.time_scale) > 0 ? Number(data.time_scale) : 1;
const root = $("player");
const storage = safeStorage();
const DISPLAY_MS = 200;
const RETRY_MS = 30000;

const secure = window.isSecureContext === true;
const cues = new CuePlayer({ cueUrls: data.cue_urls || {}, chimeUrl: data.chime_url, lang: language() });
const keeper = new ScreenKeeper({ video: $("keep-awake"), notice: $("wake-notice"), onChange: showProtection });
const background = new BackgroundSound();
const setMedia = mediaButtons(navigator, {
  pause: () => act("pause"),
  resume: () => act("resume"),
  next: () => act("softened"),
  stop: () => haltNow(),
});

// Exposed for the browser tests and benches: cue lateness measured in the page, every cue as it was
// voiced ("clip", "speech" or "none"), and every cue the engine emitted (replayed ones included).
const debug = {
  lateness: [],
  cues: [],
  state: () => ({ ...engine.state(clock()), wall: Date.now(), stage }),
  emitted: () => engine.cues.map((c) => ({ kind: c.kind, at: c.at, say: c.say })),
  voice: () => ({ ...cues.progress }),
  sounding: () => ({ cues: cues.sounding, background: background.on }),
  events: () => events.slice(),
  flush: () => flushOutbox(),
};
window.softspot = debug;

let engine = new Engine(script);
let events = [];
let perfZero = 0;
let key = null;
let startedAt = 0;
let endedAt = 0;
let stage = "ready"; // ready -> playing -> after -> saved
let tapped = false; // the first tap came: sound may play, the overlay is gone
let deadlineTimer = 0;
let displayTimer = 0;
let lastSaved = 0;
let shown = {};
let sent = false; // the server has the saved record
let summary = null; // the line under "Saved"
let offline = { state: "pending", why: "" };

function safeStorage() {
  try {
    const s = window.localStorage;
    s.setItem("softspot:probe", "1");
    s.removeItem("softspot:probe");
    return s;
  } catch {
    return null;
  }
}

const clock = () => snapshots.sessionClock(performance.now(), perfZero, scale);

// -- events ----------------------------------------------------------------

function act(name, reason) {
  if (stage !== "playing") return;
  if (name === "pause" && engine.paused) name = "resume";
  else if (name === "resume" && !engine.paused) return; // a lock-screen "play" never carries on after a Stop
  const at = clock();
  const out = name === "stop" ? engine.stop(at, reason) : engine[name](at);
  if (out.accepted) {
    events.push(reason ? { e: name, at, reason } : { e: name, at });
    save(true);
  } else {
    // A refused early "softened" opened the confirmation window: a replay needs it (snapshot.js).
    if (name === "softened") {
      events.push({ e: name, at, refused: true });
      save(true);
    }
    if (out.reason) say(out.reason.charAt(0).toUpperCase() + out.reason.slice(1) + ".");
  }
  heard(out.cues, at);
  update();
}

/**
 * Stop, at once (the Stop button, Esc, the lock screen's or headphones' stop): the clock freezes, every
 * sound is cut off, "Stopped · lift off gently" is shown and said, then the dialog asks why. Pressed
 * again, it changes nothing: only Carry on goes on.
 */
function haltNow() {
  if (stage !== "playing") return;
  if (!engine.halted) {
    const at = clock();
    const out = engine.halt(at);
    if (!out.accepted) {
      update(); // it had just ended on time
      return;
    }
    cues.cancel();
    background.stop();
    events.push({ e: "halt", at });
    save(true);
    heard(out.cues.filter((c) => c.kind === "stopped"), at); // only the stop is said; nothing else catches up
    update();
  }
  askWhy();
}

/** "Carry on": the only way out of a halt that goes on with the session. */
function carryOn() {
  if (stage !== "playing" || !engine.halted) return;
  wake(); // after a reload while halted, this is the first tap: sound and screen start here
  const at = clock();
  const out = engine.resume(at);
  if (out.accepted) {
    events.push({ e: "resume", at });
    save(true);
    if ($("background-sound").checked) background.start();
  }
  heard(out.cues, at);
  displayLoop();
  root.scrollIntoView({ block: "start" }); // the instruction and the countdown in sight again
  $("softened").focus({ preventScroll: true });
}

/**
 * Play what an event or a deadline made. Cues due at a deadline (from a tick, or
 * caught up by a tap that came after it) are timed: how late they sound.
 */
function heard(emitted, eventAt = null) {
  if (!emitted || !emitted.length) return;
  for (const cue of emitted) {
    if (TIMED.has(cue.kind)) showSaid(cue);
    else if (STEPS.has(cue.kind)) showSaid(null);
  }
  const now = performance.now();
  const voiced = cues.play(emitted);
  emitted.forEach((cue, i) => {
    const onDeadline = eventAt === null || cue.at < eventAt - 1e-6;
    if (onDeadline) debug.lateness.push(now - (perfZero + (cue.at * 1000) / scale));
    const how = voiced[i] ? voiced[i].how : "none";
    debug.cues.push({ kind: cue.kind, at: cue.at, show: cue.show, say: cue.say, deadline: onDeadline, how });
  });
}

// The pain rule and the check-in are shown under the instruction from when they are said until the next step.
const TIMED = new Set(["pain_rule", "check_in"]);
const STEPS = new Set(["start", "prepare", "spot", "add_on", "switch", "finish"]);

function showSaid(cue) {
  const el = $("said-now");
  el.hidden = !cue;
  el.dataset.kind = cue ? cue.kind : "";
  text("said-now", cue ? cue.show : "");
}

function say(text) {
  const live = $("live");
  live.textContent = "";
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

// -- the clock loop ----------------------------------------------------------

function update() {
  if (stage !== "playing") return;
  const at = clock();
  const wasOver = engine.finished;
  heard(engine.tick(at).cues);
  const state = engine.state(at);
  render(state);
  if (state.finished) {
    // The end came with the clock: note when, so a reload replays the same ending.
    if (!wasOver) events.push({ e: "tick", at });
    finish();
    return;
  }
  // Wake up at the next deadline (timers may fire late, never early enough to matter).
  window.clearTimeout(deadlineTimer);
  if (state.phase === "running") {
    // The engine's next deadline: `wake_in` where the engine gives it (a timed cue inside a step), else the step's end.
    const due = Number.isFinite(state.wake_in) ? Math.min(state.wake_in, state.remaining) : state.remaining;
    const ms = (due * 1000) / scale;
    deadlineTimer = window.setTimeout(update, Math.max(0, ms));
  }
  save(false);
}

function displayLoop() {
  window.clearTimeout(displayTimer);
  if (stage !== "playing") return;
  update();
  displayTimer = window.setTimeout(displayLoop, DISPLAY_MS);
}

// -- the screen --------------------------------------------------------------

function text(id, value) {
  const el = $(id);
  const v = String(value);
  if (el && shown[id] !== v) {
    el.textContent = v;
    shown[id] = v;
  }
}

function render(state) {
  root.dataset.phase = state.phase;
  root.dataset.kind = state.kind || "";
  root.dataset.leg = state.leg || "";
  root.dataset.spot = state.spot || "";
  root.dataset.elapsed = state.elapsed.toFixed(3);
  if (stage === "playing" && tapped) root.dataset.state = state.phase;
  text("now-text", state.show || (state.finished ? script.cues.finish.show : ""));
  const where = counter(script, state, engine.spots);
  $("where").hidden = !where;
  if (where) {
    text("leg-name", where.legName.charAt(0).toUpperCase() + where.legName.slice(1));
    text("spot-k", where.k);
    text("spot-count", where.K);
    root.dataset.reserve = String(where.reserve);
  }
  $("paused-mark").hidden = !state.paused;
  const confirming = state.confirm_left !== null && state.confirm_left !== undefined;
  $("confirm").hidden = !confirming;
  if (confirming) text("confirm-left", confirmText(state.confirm_left));
  text("countdown", clockText(state.remaining));
  text("next-text", state.next ? state.next.show : t("The ratings after"));
  const legBar = $("leg-progress");
  legBar.max = Math.max(1, state.leg_budget);
  legBar.value = Math.min(state.leg_seconds, legBar.max);
  const all = $("session-progress");
  all.max = Math.max(1, state.expected_total);
  all.value = Math.min(state.elapsed, all.max);
  if (shown.spotMark !== `${state.kind}:${state.leg}:${state.spot}`) {
    shown.spotMark = `${state.kind}:${state.leg}:${state.spot}`;
    for (const g of document.querySelectorAll("#live-map [data-spot]")) {
      const n = Number(g.dataset.spot);
      g.classList.toggle("current", state.kind === "spot" && n === state.spot);
      g.classList.toggle("done", state.kind === "spot" && n < state.spot);
    }
  }
  const pause = $("pause");
  const frozen = state.paused || state.halted;
  if (shown.paused !== state.paused) {
    shown.paused = state.paused;
    pause.setAttribute("aria-pressed", String(state.paused));
    pause.textContent = state.paused ? t("Resume") : t("Pause");
    pause.classList.toggle("primary", state.paused);
  }
  if (shown.mediaTitle !== state.show || shown.frozen !== frozen) {
    shown.mediaTitle = state.show;
    shown.frozen = frozen;
    setMedia(state.show, frozen, script.technique.title);
  }
}

/** The small print: what keeps this session safe (docs/web.md), on the overlay and under the player. */
function showProtection() {
  root.dataset.keepAwake = keeper.mode;
  root.dataset.offline = offline.state === "yes" ? "yes" : "no";
  const kept = Boolean(storage) || "indexedDB" in window;
  const lines = protection({ keepAwake: keeper.mode, active: keeper.active, offline: offline.state, secure, offlineWhy: offline.why, kept });
  for (const id of ["protection", "overlay-protection"]) {
    const list = $(id);
    if (!list || shown[id] === lines.join("|")) continue;
    shown[id] = lines.join("|");
    list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  }
}

function setOffline(state, why = "") {
  offline = { state, why };
  showProtection();
}

function showReadiness(progress) {
  const line = readinessText(progress);
  text("ready-line", line);
  root.dataset.voice = progress.done < progress.total ? "loading" : progress.failed ? "partial" : "ready";
  if (progress.done >= progress.total && progress.failed) text("voice-notice", line);
  $("voice-notice").hidden = !(progress.done >= progress.total && progress.failed);
}

// -- snapshots -----------------------------------------------------------------

function snapshot() {
  return snapshots.makeSnapshot({
    plan: data.plan_id,
    key,
    startedAt,
    events,
    clock: stage === "playing" ? clock() : engine.state(clock()).elapsed,
    saved: Date.now(),
    scale,
    stage: stage === "playing" ? "playing" : stage === "saved" ? "saved" : "after",
    endedAt,
    form: stage === "after" ? formValues() : null,
    sent,
    summary,
  });
}

function save(now) {
  if (!storage || !key) return;
  const wall = Date.now();
  if (!now && wall - lastSaved < 1000) return;
  lastSaved = wall;
  snapshots.writeSnapshot(storage, snapshot());
}

/** Rebuild the session a reload interrupted; a running one waits, paused at the moment of the reload. */
async function resumeFrom(snap) {
  key = snap.key;
  startedAt = snap.started_at;
  endedAt = snap.ended_at || 0;
  events = snap.events.slice();
  sent = Boolean(snap.sent);
  if (snap.stage === "saved") {
    summary = snap.summary || null;
    showSaved(sent, summary);
    const stop = events.find((ev) => ev.e === "stop");
    showAftercare(stop ? stop.reason : null);
    return;
  }
  engine = new Engine(script);
  snapshots.replay(engine, events);
  if (!engine.finished) {
    engine.tick(snap.clock); // it may have ended on time just before the page went
    if (engine.finished) events.push({ e: "tick", at: snap.clock });
  }
  const point = snapshots.resumePoint(snap, Date.now());
  perfZero = snapshots.perfZeroFor(point.clock, performance.now(), scale);
  stage = "playing";
  if (engine.finished) {
    finish(true);
    restoreForm(snap.form);
    if (await (await outbox).has(key)) showSaved(false); // Save was pressed just before the reload
    return;
  }
  if (engine.halted) {
    // Stopped before the reload: still stopped, still asking why; nothing needs a tap to show it.
    $("start-overlay").hidden = true;
    root.dataset.state = "halted";
    render(engine.state(clock()));
    save(true);
    askWhy();
    return;
  }
  if (point.pauseAt !== null) {
    const out = engine.pause(point.pauseAt);
    if (out.accepted) events.push({ e: "pause", at: point.pauseAt, by: "reload" });
  }
  const lastPause = [...events].reverse().find((ev) => ev.e === "pause");
  const where = engine.state(clock());
  $("resume-notice").textContent =
    (lastPause && lastPause.by !== "reload" ? t("Paused, as you left it.") : t("Paused while the page reloaded.")) +
    " " +
    t("Where you were: {where}.", { where: where.show || t("the end") });
  $("resume-notice").hidden = false;
  $("start-button").textContent = t("Tap to carry on");
  save(true);
  displayLoop();
}

// -- starting ------------------------------------------------------------------

/** Inside the first tap: sound may play, the screen is kept on, the overlay goes. */
function wake() {
  if (tapped) return false;
  tapped = true;
  keeper.acquire(); // first: a video may only start inside the tap
  cues.unlock();
  $("start-overlay").hidden = true;
  if ($("background-sound").checked && !engine.halted) background.start();
  return true;
}

function begin() {
  if (!wake()) return;
  if (!engine.started) {
    key = newKey();
    startedAt = isoSeconds(Date.now());
    perfZero = performance.now();
    stage = "playing";
    const out = engine.start(0);
    events = [{ e: "start", at: 0 }];
    save(true);
    heard(out.cues, 0);
  } else if (engine.paused) {
    act("resume"); // "Carry on."; the screen shows where
  }
  root.dataset.state = engine.state(clock()).phase;
  $("softened").focus();
  displayLoop();
}

// -- the end -------------------------------------------------------------------

function finish(resumed = false) {
  if (stage !== "playing") return;
  window.clearTimeout(deadlineTimer);
  window.clearTimeout(displayTimer);
  stage = "after";
  if (!endedAt) endedAt = isoSeconds(Date.now());
  const record = engine.record();
  root.dataset.state = record.ended_early ? "stopped" : "finished";
  root.dataset.phase = root.dataset.state;
  showAftercare(record.stop_reason);
  save(true);
  keeper.release();
  background.stop();
  $("start-overlay").hidden = true;
  $("after-skip").hidden = !record.ended_early;
  const after = $("after");
  after.hidden = false;
  root.hidden = true;
  const title = $("after-title");
  title.tabIndex = -1;
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches && !resumed;
  title.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
  title.focus({ preventScroll: true });
}

function formValues() {
  const values = Object.fromEntries(new FormData($("after-form")).entries());
  delete values.csrfmiddlewaretoken;
  return values;
}

function restoreForm(values) {
  if (!values) return;
  for (const [name, value] of Object.entries(values)) {
    if (name === "note") $("note").value = String(value).slice(0, 2000);
    else {
      const radio = $("after-form").querySelector(`input[type=radio][name="${CSS.escape(name)}"][value="${CSS.escape(String(value))}"]`);
      if (radio) radio.checked = true;
    }
  }
}

/** After a stop for discomfort: what to do now (the words come from softspot.core.aftercare, in the page). */
function showAftercare(reason) {
  $("after").dataset.stopReason = reason || "";
  if (reason === "discomfort") $("aftercare").hidden = false;
}

/** The after section once the record is saved: no form, where the record is, the way to history. */
function showSaved(isSent, summary = null) {
  stage = "saved";
  sent = isSent;
  window.clearTimeout(deadlineTimer);
  window.clearTimeout(displayTimer);
  keeper.release();
  background.stop();
  root.hidden = true;
  root.dataset.state = "saved";
  $("start-overlay").hidden = true;
  $("after").hidden = false;
  $("after-ask").hidden = true;
  text("after-title", t("Saved"));
  text(
    "saved-status",
    isSent ? t("Saved. It is in your history.") : t("Saved on this device. It will be sent when the network is back."),
  );
  if (summary) text("saved-summary", summary);
  $("saved-summary").hidden = !$("saved-summary").textContent;
  $("again-link").hidden = false;
  root.dataset.record = isSent ? "sent" : "waiting";
}

async function submitAfter(withRatings) {
  if (stage !== "after") return;
  const error = $("after-error");
  let after = null;
  if (withRatings) {
    const got = ratingsFrom(new FormData($("after-form")).entries());
    if (got.missing) {
      error.textContent = t("Choose a number from 0 to 10 for: {parts}.", { parts: got.missing.join(", ") });
      error.hidden = false;
      return;
    }
    after = got.ratings;
  }
  error.hidden = true;
  const record = buildRecord({
    key,
    plan: data.plan_id,
    script,
    engine: engine.record(),
    before: data.before,
    after,
    note: $("note").value,
    startedAt,
    endedAt,
  });
  stage = "saving";
  $("after-submit").disabled = true;
  $("after-skip").disabled = true;
  const box = await outbox;
  await box.add({ key, url: data.record_url, body: record, csrf: data.csrf_token });
  summary = changeText(data.before, after);
  showSaved(false, summary);
  text("saved-status", t("Saved on this device. Sending…"));
  save(true); // a reload from here on shows "Saved", never the form again
  const result = await box.flush();
  if (result.sent.includes(key)) {
    showSaved(true, summary);
    save(true);
  } else if (result.refused.includes(key)) refusedStatus();
  else text("saved-status", t("Saved on this device. It will be sent when the network is back."));
  await showRefused();
  requestBackgroundSync();
}

function refusedStatus() {
  text("saved-status", t("Kept on this phone, but the server refused it: see below."));
  root.dataset.record = "refused";
}

// -- the outbox ----------------------------------------------------------------

const sender = fetchSender(window.fetch.bind(window), (item) => csrfToken(document.cookie, item.csrf));
const outbox = (async () => {
  let store;
  try {
    store = await idbStore();
  } catch {
    store = memoryStore(storage);
  }
  return new Outbox(store, sender, {
    onChange: (n) => {
      root.dataset.outbox = String(n);
      $("after").dataset.outbox = String(n);
    },
  });
})();

async function flushOutbox() {
  const result = await (await outbox).flush();
  await afterFlush(result);
  return result;
}

async function afterFlush(result) {
  const refused = await showRefused();
  if (!key || stage !== "saved") return;
  if (result.sent.includes(key)) {
    sent = true;
    save(true);
    text("saved-status", t("Sent. It is in your history."));
    root.dataset.record = "sent";
  } else if (refused.some((item) => item.key === key)) refusedStatus();
}

/** Records the server refused: why, in its own words, what to do, a copy to save, and Try again (refused.js,
 * loaded only when there is one). */
async function showRefused() {
  const items = await (await outbox).refused();
  $("refused").hidden = items.length === 0;
  if (!items.length) {
    shown.refused = "";
    return items;
  }
  const wanted = items.map((i) => `${i.key}:${i.refused.at}`).join("|");
  if (shown.refused !== wanted) {
    shown.refused = wanted;
    try {
      const { renderRefused } = await import(data.refused_url || "./refused.js");
      renderRefused($("refused-list"), items, async (k) => afterFlush(await (await outbox).retry(k)));
    } catch {
      text(
        "refused-list",
        t("The server refused a record kept on this phone; open this page again with the network on to see why."),
      );
    }
  }
  return items;
}

function requestBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((reg) => reg.sync && reg.sync.register("softspot-outbox"))
    .catch(() => {});
}

// -- offline: the service worker -------------------------------------------------

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !data.sw_url) {
    setOffline("no", t("this browser keeps no offline copy"));
    return;
  }
  setOffline("pending");
  navigator.serviceWorker
    .register(data.sw_url, { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      // The modules and stylesheet by the (content-hashed) URLs the page uses, from the JSON island.
      const files = data.static_urls || [];
      const urls = [location.pathname, ...files, ...Object.values(data.cue_urls || {})];
      if (data.chime_url) urls.push(data.chime_url);
      const reply = new MessageChannel();
      reply.port1.onmessage = (event) => {
        const missing = (event.data && event.data.missing) || [];
        const needed = [location.pathname, ...files];
        if (needed.some((u) => missing.includes(u))) setOffline("no", t("the offline copy could not be made"));
        else setOffline("yes");
      };
      reg.active.postMessage({ type: "cache", urls }, [reply.port2]);
    })
    .catch(() => setOffline("no", t("the offline copy could not be made")));
}

// -- wiring ----------------------------------------------------------------------

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if ($("stop-dialog").open) return;
  if (stage === "ready" && !$("start-overlay").hidden && (event.key === "Enter" || event.key === " ")) {
    if (event.target instanceof HTMLButtonElement) return; // the focused button clicks itself
    event.preventDefault();
    begin();
    return;
  }
  if (stage !== "playing") return;
  if (!$("start-overlay").hidden) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      begin();
    }
    return;
  }
  const onButton = event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement;
  switch (event.key) {
    case " ":
    case "Enter":
      if (onButton) return; // the focused control handles it
      event.preventDefault();
      act("softened");
      break;
    case "ArrowRight":
    case "PageDown":
      event.preventDefault();
      act("softened");
      break;
    case "p":
    case "P":
      act("pause");
      break;
    case "e":
    case "E":
      act("extend");
      break;
    case "Escape":
      event.preventDefault();
      haltNow();
      break;
    default:
  }
}

/** The "why did you stop?" dialog, while halted. Esc does not close it; only a reason or Carry on does. */
function askWhy() {
  const dialog = $("stop-dialog");
  if (dialog.open || stage !== "playing" || !engine.halted) return;
  $("stop-form").reset();
  dialog.returnValue = "";
  dialog.showModal();
}

function onStopClosed() {
  const dialog = $("stop-dialog");
  const reason = new FormData($("stop-form")).get("stop_reason");
  const choice = dialog.returnValue;
  dialog.returnValue = "";
  if (choice === "stop" && reason) act("stop", String(reason));
  else if (choice === "carry-on") carryOn();
  // Closed any other way (a browser may force it shut on a second Esc): still stopped, so ask again.
  else if (stage === "playing" && engine.halted) window.setTimeout(askWhy, 0);
}

function wire() {
  $("start-button").addEventListener("click", begin);
  $("softened").addEventListener("click", () => act("softened"));
  $("pause").addEventListener("click", () => act("pause"));
  $("longer").addEventListener("click", () => act("extend"));
  $("stop").addEventListener("click", haltNow);
  $("stop-dialog").addEventListener("cancel", (event) => event.preventDefault()); // Esc again: still stopped
  $("stop-dialog").addEventListener("close", onStopClosed);
  $("background-sound").addEventListener("change", (event) => {
    if (event.target.checked && stage === "playing" && !engine.halted) background.start();
    else background.stop();
  });
  $("after-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitAfter(true);
  });
  $("after-skip").addEventListener("click", () => submitAfter(false));
  $("after-form").addEventListener("change", () => save(true));
  $("note").addEventListener("input", () => save(false));
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") update();
  });
  window.addEventListener("pagehide", () => save(true));
  window.addEventListener("online", flushOutbox);
  window.setInterval(flushOutbox, RETRY_MS);
}

/** Run `job` after the load event, in the browser's next idle moment (at most a second later). */
function whenIdle(job) {
  const soon = () =>
    globalThis.requestIdleCallback ? globalThis.requestIdleCallback(job, { timeout: 1000 }) : window.setTimeout(job, 0);
  if (document.readyState === "complete") soon();
  else window.addEventListener("load", soon, { once: true });
}

/** Which saved session, if any, this page opens on: the server's word, else this phone's snapshot. */
function main() {
  wire();
  showProtection();
  // The clips are fetched and decoded once the page has loaded and the browser is idle (still without a tap,
  // long before anyone reaches the start button): decoding them while the page starts blocked its main thread.
  showReadiness(cues.progress);
  const clips = new Promise((resolve) => whenIdle(() => cues.prepare(showReadiness).then(resolve, resolve)));
  const snap = storage ? snapshots.readSnapshot(storage, data.plan_id, Date.now()) : null;
  const onServer = data.saved && (!snap || snap.key === data.saved.key || snap.stage === "saved");
  if (onServer) {
    key = data.saved.key;
    if (storage) snapshots.clearSnapshot(storage, data.plan_id);
    showSaved(true);
  } else if (snap) resumeFrom(snap);
  else render(engine.state(0));
  root.dataset.ready = "true";
  // Sending a queued record waits for the same idle moment as the clips; the offline copy (the service worker,
  // which fetches the clips again for its cache) waits for the clips, or ten seconds on a network that stalls.
  whenIdle(flushOutbox);
  Promise.race([clips, new Promise((resolve) => window.setTimeout(resolve, 10000))]).then(registerServiceWorker);
}

main();
