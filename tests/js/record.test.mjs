// The record the browser sends: ratings read from the after form, the shape of docs/contracts.md.
import assert from "node:assert/strict";
import { test } from "node:test";

import { buildRecord, isoSeconds, ratingsFrom } from "../../src/softspot/web/static/softspot/record.js";

test("ratings are read from the after form as whole numbers 0-10", () => {
  const got = ratingsFrom([["after-left", "3"], ["after-right", "0"], ["after-back", "10"], ["note", "x"]]);
  assert.deepEqual(got, { ratings: { left: 3, right: 0, back: 10 } });
});

test("a missing or bad rating is named, not guessed", () => {
  assert.deepEqual(ratingsFrom([["after-left", "3"], ["after-back", "11"]]), {
    missing: ["right hamstring", "lower back"],
  });
  assert.deepEqual(ratingsFrom([["after-left", "2.5"], ["after-right", "-1"], ["after-back", ""]]), {
    missing: ["left hamstring", "right hamstring", "lower back"],
  });
});

const engine = { ended_at: 300, ended_early: false, stop_reason: null, paused_seconds: 0, pauses: [], spots: [], legs: [] };

test("a whole record carries the key, source, ratings and both times", () => {
  const record = buildRecord({
    key: "k",
    script: { format: 1 },
    engine,
    before: { left: 6, right: 5, back: 4 },
    after: { left: 3, right: 3, back: 2 },
    note: "felt good",
    startedAt: "2026-11-23T20:01:02Z",
    endedAt: "2026-11-23T20:06:02Z",
  });
  assert.deepEqual(Object.keys(record), ["key", "source", "script", "engine", "before", "after", "note", "started_at", "ended_at"]);
  assert.equal(record.source, "web");
  assert.equal(record.ended_at, "2026-11-23T20:06:02Z");
});

test("a session that ran to the end needs the ratings after; a stopped one may skip them", () => {
  const base = { key: "k", script: {}, before: {}, note: "", startedAt: "a", endedAt: "b" };
  assert.throws(() => buildRecord({ ...base, engine, after: null }), /after/);
  const stopped = { ...engine, ended_early: true, stop_reason: "discomfort" };
  assert.equal(buildRecord({ ...base, engine: stopped, after: null }).after, null);
  assert.throws(() => buildRecord({ ...base, engine: { ...engine, ended_at: null }, after: {} }), /not ended/);
});

test("a clock that went backwards never gives an end before the start", () => {
  const record = buildRecord({
    key: "k", script: {}, engine, before: {}, after: {}, note: "",
    startedAt: "2026-11-23T20:01:02Z", endedAt: "2026-11-23T20:00:59Z",
  });
  assert.equal(record.ended_at, "2026-11-23T20:01:02Z");
});

test("times are UTC ISO 8601 to the second", () => {
  assert.equal(isoSeconds(Date.UTC(2026, 10, 23, 20, 1, 2, 987)), "2026-11-23T20:01:02Z");
});
