// Resume snapshots: replaying the saved events gives back the same session; after a reload a running
// session waits, paused at the moment of the reload, and one that ended before Save ends the same way.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Engine } from "../../src/softspot/web/static/softspot/engine.js";
import * as snap from "../../src/softspot/web/static/softspot/snapshot.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = JSON.parse(readFileSync(join(HERE, "..", "traces", "whole-session-ticks.json"), "utf8")).script;

function fakeStorage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
}

/** Play a session with the given events, returning the engine and the events as the player logs them. */
function play(events) {
  const engine = new Engine(SCRIPT);
  const log = [];
  for (const [e, at, reason] of events) {
    const out = e === "stop" ? engine.stop(at, reason) : engine[e](at);
    if (out.accepted) log.push(reason ? { e, at, reason } : { e, at });
  }
  return { engine, log };
}

const SESSION = [["start", 0], ["softened", 17.25], ["softened", 30.5], ["pause", 50.125], ["resume", 62], ["extend", 70], ["softened", 140.75]];

test("replaying the saved events rebuilds the same session, state and record", () => {
  const { engine, log } = play(SESSION);
  const saved = JSON.parse(JSON.stringify(log)); // through localStorage and back
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, saved);
  for (const t of [150, 200.5, 333]) assert.deepEqual(rebuilt.state(t), engine.state(t), `at ${t}`);
  rebuilt.tick(2000);
  engine.tick(2000);
  assert.deepEqual(rebuilt.record(), engine.record());
  assert.deepEqual(rebuilt.playedTimeline(), engine.playedTimeline());
});

test("a stopped session replays as stopped, with its reason", () => {
  const { log } = play([["start", 0], ["stop", 45, "discomfort"]]);
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, log);
  assert.equal(rebuilt.finished, true);
  assert.equal(rebuilt.record().stop_reason, "discomfort");
});

test("after a reload a running session is paused at the saved moment; the time away counts as the pause", () => {
  const s = snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events: [{ e: "start", at: 0 }], clock: 100, saved: 1_000_000, scale: 1 });
  assert.deepEqual(snap.resumePoint(s, 1_000_800), { clock: 100.8, pauseAt: 100, gapMs: 800 });
  const fast = { ...s, scale: 20 };
  assert.deepEqual(snap.resumePoint(fast, 1_000_500), { clock: 110, pauseAt: 100, gapMs: 500 });
  assert.deepEqual(snap.resumePoint(s, 1_000_000 + 3_600_000).pauseAt, 100, "however long the page was away");
});

test("a reloaded session replays to the same state and waits there: no cue passes unheard", () => {
  const { engine, log } = play([["start", 0], ["softened", 17.25], ["softened", 30.5]]);
  const before = engine.state(44);
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, log);
  const point = snap.resumePoint(snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events: log, clock: 44, saved: 0, scale: 1 }), 30_000);
  assert.equal(rebuilt.pause(point.pauseAt).accepted, true);
  const later = rebuilt.state(point.clock + 500); // long after: still where the reload left it
  assert.equal(later.phase, "paused");
  assert.deepEqual([later.kind, later.spot, later.remaining], [before.kind, before.spot, before.remaining]);
  const out = rebuilt.resume(point.clock + 500);
  assert.deepEqual(out.cues.map((c) => c.kind), ["resumed"]);
  assert.equal(rebuilt.state(point.clock + 500).remaining, before.remaining);
});

test("a session that ended on time replays as ended from its tick, ready to be saved", () => {
  const engine = new Engine(SCRIPT);
  engine.start(0);
  engine.tick(5000);
  assert.equal(engine.finished, true);
  const log = [{ e: "start", at: 0 }, { e: "tick", at: 5000 }];
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, JSON.parse(JSON.stringify(log)));
  assert.equal(rebuilt.finished, true);
  assert.notEqual(rebuilt.record().ended_at, null);
  assert.deepEqual(rebuilt.record(), engine.record());
});

test("a snapshot over or saved is not paused again and its clock stays", () => {
  for (const stage of ["after", "saved"]) {
    const s = snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events: [{ e: "start", at: 0 }], clock: 900, saved: 0, scale: 1, stage, sent: stage === "saved" });
    assert.deepEqual(snap.resumePoint(s, 60_000), { clock: 900, pauseAt: null, gapMs: 60_000 });
  }
});

test("a session that was paused stays paused and is not paused twice", () => {
  const events = [{ e: "start", at: 0 }, { e: "pause", at: 40 }];
  const s = snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events, clock: 100, saved: 0, scale: 1 });
  assert.equal(snap.resumePoint(s, 10 * 60 * 1000).pauseAt, null);
  assert.equal(snap.isPaused(events), true);
  assert.equal(snap.isPaused([...events, { e: "resume", at: 50 }]), false);
});

test("a wall clock that went backwards does not move the session back", () => {
  const s = snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events: [{ e: "start", at: 0 }], clock: 100, saved: 5000, scale: 1 });
  assert.equal(snap.resumePoint(s, 1000).clock, 100);
});

test("the session clock and the deadline arithmetic agree at any time scale", () => {
  for (const scale of [1, 2.5, 40]) {
    const zero = snap.perfZeroFor(123.5, 9000, scale);
    assert.ok(Math.abs(snap.sessionClock(9000, zero, scale) - 123.5) < 1e-9);
    assert.ok(Math.abs(snap.msUntil(124.5, 9000, zero, scale) - 1000 / scale) < 1e-9);
  }
});

test("snapshots are kept per plan and read back; broken, foreign or stale ones are ignored", () => {
  const storage = fakeStorage();
  const s = snap.makeSnapshot({ plan: "p1", key: "k", startedAt: "x", events: [{ e: "start", at: 0 }], clock: 3, saved: 1000, scale: 1 });
  assert.equal(snap.writeSnapshot(storage, s), true);
  assert.deepEqual(snap.readSnapshot(storage, "p1", 2000), s);
  assert.equal(snap.readSnapshot(storage, "p2", 2000), null);
  assert.equal(snap.readSnapshot(storage, "p1", 1000 + snap.MAX_AGE_MS + 1), null);
  assert.equal(storage.data.size, 0, "a stale snapshot is removed");
  storage.setItem(snap.storageKey("p1"), "{not json");
  assert.equal(snap.readSnapshot(storage, "p1", 2000), null);
  storage.setItem(snap.storageKey("p1"), JSON.stringify({ ...s, v: 99 }));
  assert.equal(snap.readSnapshot(storage, "p1", 2000), null);
  storage.setItem(snap.storageKey("p1"), JSON.stringify({ ...s, stage: "lost" }));
  assert.equal(snap.readSnapshot(storage, "p1", 2000), null);
  const saved = { ...s, stage: "saved", sent: true, form: null };
  snap.writeSnapshot(storage, saved);
  assert.deepEqual(snap.readSnapshot(storage, "p1", 2000), saved);
  snap.clearSnapshot(storage, "p1");
  assert.equal(storage.data.size, 0);
});

test("a full or disabled storage does not break the session", () => {
  const full = { setItem: () => { throw new Error("QuotaExceededError"); } };
  assert.equal(snap.writeSnapshot(full, { plan: "p" }), false);
});

/** Play as player.js logs it: accepted events, plus refused "softened" presses (marked refused). */
function playLogged(events) {
  const engine = new Engine(SCRIPT);
  const log = [];
  for (const [e, at, reason] of events) {
    const out = e === "stop" ? engine.stop(at, reason) : engine[e](at);
    if (out.accepted) log.push(reason ? { e, at, reason } : { e, at });
    else if (e === "softened") log.push({ e, at, refused: true });
  }
  return { engine, log };
}

test("an early softening confirmed with a second press replays as confirmed: the refused first press is kept", () => {
  const { engine, log } = playLogged([["start", 0], ["tick", 50], ["softened", 53], ["softened", 54]]);
  assert.deepEqual(log.map((ev) => [ev.e, ev.refused === true]), [["start", false], ["tick", false], ["softened", true], ["softened", false]]);
  assert.equal(engine.state(60).spot, 2);
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, JSON.parse(JSON.stringify(log)));
  assert.deepEqual(rebuilt.state(60), engine.state(60));
  assert.deepEqual(rebuilt.record(), engine.record());
});

test("a reload while halted comes back halted: frozen, not paused again, still asking why", () => {
  const { engine, log } = playLogged([["start", 0], ["tick", 60], ["halt", 70]]);
  const snapshot = snap.makeSnapshot({ plan: "p", key: "k", startedAt: "x", events: log, clock: 70, saved: 1000, scale: 1 });
  const point = snap.resumePoint(JSON.parse(JSON.stringify(snapshot)), 1000 + 600_000);
  assert.equal(point.pauseAt, null, "a halt is not turned into a pause");
  assert.equal(snap.isHalted(log), true);
  const rebuilt = new Engine(SCRIPT);
  snap.replay(rebuilt, snapshot.events);
  rebuilt.tick(point.clock);
  const state = rebuilt.state(point.clock);
  assert.equal(state.phase, "halted");
  assert.equal(state.remaining, engine.state(70).remaining, "the clock stayed where Stop froze it");
  assert.equal(state.show, SCRIPT.cues.stopped.show);
  assert.equal(rebuilt.softened(point.clock).accepted, false, "nothing but Carry on goes on");
});

test("after a halt, Carry on and a reason replay the same way: the pause is kept, a stop ends at the halt", () => {
  const carried = playLogged([["start", 0], ["tick", 60], ["halt", 70], ["resume", 95], ["tick", 120]]);
  assert.equal(snap.isHalted(carried.log), false);
  const again = new Engine(SCRIPT);
  snap.replay(again, carried.log);
  assert.deepEqual(again.record().pauses, [{ at: 70, seconds: 25 }]);
  assert.deepEqual(again.state(120), carried.engine.state(120));

  const stopped = playLogged([["start", 0], ["tick", 60], ["halt", 70], ["stop", 90, "discomfort"]]);
  const ended = new Engine(SCRIPT);
  snap.replay(ended, stopped.log);
  assert.equal(ended.finished, true);
  assert.deepEqual([ended.record().stop_reason, ended.record().ended_at], ["discomfort", 70]);
});
