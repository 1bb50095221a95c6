// What the player shows in words: the spot counter ("spot k of K", K constant, reserve spots "+1"),
// the countdown, the voice readiness line, and what protects the session.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { changeText, clockText, confirmText, counter, protection, readinessText } from "../../src/softspot/web/static/softspot/display.js";
import { Engine } from "../../src/softspot/web/static/softspot/engine.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const trace = (name) => JSON.parse(readFileSync(join(HERE, "..", "traces", `${name}.json`), "utf8"));

/** The counter as it reads, second by second, when each leg's first spot softens after `soften` s. */
function counterTexts(script, soften) {
  const engine = new Engine(script);
  const seen = [];
  engine.start(0);
  for (let t = 0; !engine.finished && t < 5000; t += 1) {
    engine.tick(t);
    const state = engine.state(t);
    if (state.kind === "spot" && state.spot === 1 && state.segment_seconds - state.remaining >= soften) engine.softened(t);
    const c = counter(script, engine.state(t), engine.spots);
    const text = c ? `${c.legName} ${c.k} of ${c.K}` : "-";
    if (seen[seen.length - 1] !== text) seen.push(text);
  }
  return seen;
}

test("the counter reads spot k of K with K the leg's planned spots, and reserve spots as +1, +2", () => {
  const script = trace("reserve-spots").script; // 2 planned spots and 2 reserve spots a leg
  assert.deepEqual(
    script.legs.map((l) => [l.spots.length, l.reserve.length]),
    [[2, 2], [2, 2]],
  );
  assert.deepEqual(counterTexts(script, 20), [
    "left 1 of 2",
    "left 2 of 2",
    "left +1 of 2",
    "left +2 of 2",
    "right 1 of 2",
    "right 2 of 2",
    "right +1 of 2",
    "right +2 of 2",
    "-",
  ]);
});

test("K never changes during a leg, whatever the engine's own spot_count does", () => {
  const script = trace("whole-session-ticks").script;
  const engine = new Engine(script);
  engine.start(0);
  const counts = new Set();
  for (let t = 0; !engine.finished; t += 0.5) {
    engine.tick(t);
    const state = engine.state(t);
    if (state.kind === "spot" && t % 7 === 0) engine.softened(t); // soften early now and then
    const c = counter(script, engine.state(t), engine.spots);
    if (c && c.leg === "left") counts.add(c.K);
  }
  assert.deepEqual([...counts], [String(script.legs[0].spots.length)]);
  assert.ok(!counts.has("–"));
});

test("outside a spot the counter names the spot the leg is at: the first before, the last after", () => {
  const script = trace("reserve-spots").script;
  const base = { finished: false, spot: null, next: null };
  const start = counter(script, { ...base, kind: "start", leg: null, next: { kind: "prepare", leg: "left" } });
  assert.deepEqual([start.leg, start.k, start.K], ["left", "1", "2"]);
  const prepare = counter(script, { ...base, kind: "prepare", leg: "right" }, [{ leg: "left", index: 3 }]);
  assert.deepEqual([prepare.leg, prepare.k], ["right", "1"]);
  const afterSpots = counter(script, { ...base, kind: "add_on", leg: "left" }, [{ leg: "left", index: 1 }, { leg: "left", index: 3 }]);
  assert.deepEqual([afterSpots.k, afterSpots.reserve], ["+1", true]);
  assert.equal(counter(script, { ...base, kind: "finish", leg: null }), null);
  assert.equal(counter(script, { ...base, kind: null, leg: null, finished: true }), null);
});

test("the countdown rounds up and never goes below 0:00", () => {
  assert.deepEqual([0, 0.2, 59.01, 60, 94, -3].map(clockText), ["0:00", "0:01", "1:00", "1:00", "1:34", "0:00"]);
});

test("the readiness line counts the clips, then says what happens to any that failed", () => {
  assert.equal(readinessText({ done: 12, total: 23, failed: 0, speech: true }), "Getting the voice ready: 12 of 23");
  assert.equal(readinessText({ done: 23, total: 23, failed: 0, speech: true }), "Voice ready: all 23 clips are on this phone.");
  assert.equal(
    readinessText({ done: 23, total: 23, failed: 3, speech: true }),
    "3 of 23 voice clips could not be fetched: the phone's own voice speaks those steps instead.",
  );
  assert.equal(
    readinessText({ done: 23, total: 23, failed: 23, speech: false }),
    "The voice clips could not be fetched and this browser has no voice of its own: the steps are only on screen.",
  );
});

test("the protection summary says how the screen stays on, whether it works offline and why not", () => {
  const lan = { secure: false, offline: "no", kept: true };
  assert.deepEqual(protection({ ...lan, keepAwake: "video", active: true }), [
    "Screen: kept on by a silent video.",
    "Works offline: no, this address is not secure (plain http), so the browser keeps no offline copy.",
    "Record: kept on this phone until it is sent.",
  ]);
  assert.match(protection({ ...lan, keepAwake: "video", active: false })[0], /will be kept on by a silent video \(no wake lock/);
  const https = { secure: true, kept: true };
  assert.deepEqual(protection({ ...https, keepAwake: "wake-lock", active: true, offline: "yes" }).slice(0, 2), [
    "Screen: kept on (wake lock).",
    "Works offline: yes.",
  ]);
  assert.equal(
    protection({ ...https, keepAwake: "none", active: false, offline: "no", offlineWhy: "the offline copy could not be made" })[1],
    "Works offline: no, the offline copy could not be made.",
  );
  assert.match(protection({ ...https, keepAwake: "none", active: false, offline: "pending" })[0], /cannot be kept on here/);
  assert.match(protection({ ...https, keepAwake: "none", active: false, offline: "pending", kept: false })[2], /cannot keep it/);
});

test("the line under Saved says how the tension changed, or that there were no ratings after", () => {
  assert.equal(
    changeText({ left: 6, right: 5, back: 4 }, { left: 3, right: 2, back: 2 }),
    "Tension before → after: left 6 → 3, right 5 → 2, lower back 4 → 2.",
  );
  assert.equal(changeText({ left: 6, right: 5, back: 4 }, null), "Stopped early, without ratings after.");
});

test("the confirmation window of an early softening counts down in whole seconds, never to 0 while open", () => {
  assert.equal(confirmText(5), "5 s left");
  assert.equal(confirmText(4.2), "5 s left");
  assert.equal(confirmText(4), "4 s left");
  assert.equal(confirmText(0.01), "1 s left");
  assert.equal(confirmText(0), "1 s left");
});
