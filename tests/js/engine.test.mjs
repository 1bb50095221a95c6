// The browser engine on every shared trace in tests/traces/: it must produce the same states, cues,
// timeline and record as the Python engine recorded there. Run: node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Engine, STOP_REASONS } from "../../src/softspot/web/static/softspot/engine.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const TRACES = join(HERE, "..", "traces");
const TOLERANCE = 2e-3;

function apply(engine, event) {
  const at = Number(event.at);
  switch (event.event) {
    case "start": return engine.start(at);
    case "tick": return engine.tick(at);
    case "softened": return engine.softened(at);
    case "pause": return engine.pause(at);
    case "resume": return engine.resume(at);
    case "extend": return engine.extend(at);
    case "skip": return engine.skip(at);
    case "halt": return engine.halt(at);
    case "stop": return engine.stop(at, String(event.reason));
    default: throw new Error(`unknown trace event ${event.event}`);
  }
}

export function runTrace(script, events) {
  const engine = new Engine(script);
  const steps = events.map((event) => ({
    ...event,
    ...apply(engine, event),
    state: engine.state(Number(event.at)),
  }));
  return { steps, timeline: engine.playedTimeline(), record: engine.record() };
}

/** Equal, numbers to within TOLERANCE; the message names the first difference. */
function same(actual, expected, where = "$") {
  if (expected === null || typeof expected === "string" || typeof expected === "boolean") {
    assert.equal(actual, expected, `${where}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  } else if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${where}: ${JSON.stringify(actual)} is not a number`);
    assert.ok(Math.abs(actual - expected) <= TOLERANCE, `${where}: ${actual} != ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: not a list`);
    assert.equal(actual.length, expected.length, `${where}: ${actual.length} items, expected ${expected.length}`);
    expected.forEach((item, i) => same(actual[i], item, `${where}[${i}]`));
  } else {
    assert.equal(typeof actual, "object", `${where}: not an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: keys differ`);
    for (const key of Object.keys(expected)) same(actual[key], expected[key], `${where}.${key}`);
  }
}

const files = readdirSync(TRACES).filter((f) => f.endsWith(".json")).sort();

test("there are traces to play", () => {
  assert.ok(files.length >= 8, `only ${files.length} traces in ${TRACES}`);
});

for (const file of files) {
  const trace = JSON.parse(readFileSync(join(TRACES, file), "utf8"));
  test(`the browser engine plays the trace ${trace.name} exactly`, () => {
    same(runTrace(trace.script, trace.events), trace.expected);
  });
}

test("the browser engine knows the same stop reasons as the record contract", () => {
  assert.deepEqual([...STOP_REASONS], ["discomfort", "out_of_time", "other"]);
});

test("a session with only ticks ends exactly at the planned length despite late, irregular ticks", () => {
  const trace = JSON.parse(readFileSync(join(TRACES, "whole-session-ticks.json"), "utf8"));
  const engine = new Engine(trace.script);
  let now = 123.456;
  engine.start(now);
  const jitter = [0.9, 1.7, 0.05, 3.1, 0.4];
  for (let i = 0; !engine.finished && i < 10000; i++) engine.tick((now += jitter[i % jitter.length]));
  assert.equal(engine.record().ended_at, trace.script.total_seconds);
  const round = (c) => Math.round(c.at * 1000) / 1000;
  const timed = new Set(["pain_rule", "check_in"]);
  assert.deepEqual(
    engine.cues.filter((c) => !timed.has(c.kind)).map(round),
    trace.script.segments.map((s) => s.starts_at),
  );
  // The pain rule and the check-in are said where the plan (and so the rendered audio) puts them.
  assert.deepEqual(
    engine.cues.filter((c) => timed.has(c.kind)).map((c) => [c.kind, round(c)]),
    trace.script.segments.flatMap((s) => (s.timed || []).map((t) => [t.kind, s.starts_at + t.after])),
  );
});

test("a halted session waits: only Carry on (resume) goes on, and a second halt is refused", () => {
  const trace = JSON.parse(readFileSync(join(TRACES, "whole-session-ticks.json"), "utf8"));
  const engine = new Engine(trace.script);
  engine.start(0);
  engine.tick(60);
  const halted = engine.halt(60);
  assert.equal(halted.accepted, true);
  assert.deepEqual(halted.cues.map((c) => c.kind), ["stopped"]);
  for (const name of ["softened", "pause", "extend", "skip", "halt"]) {
    assert.equal(engine[name](61).accepted, false, name);
  }
  engine.tick(500);
  assert.equal(engine.state(500).phase, "halted");
  assert.equal(engine.resume(500).accepted, true);
  assert.equal(engine.state(500).phase, "running");
  assert.equal(engine.state(500).remaining, 110);
});

test("a replay rebuilds a confirmed early softening only when the refused first press is replayed too", () => {
  const trace = JSON.parse(readFileSync(join(TRACES, "whole-session-ticks.json"), "utf8"));
  const live = new Engine(trace.script);
  const pressed = [["start", 0], ["tick", 50], ["softened", 53], ["softened", 54]];
  const outcomes = pressed.map(([name, at]) => live[name](at));
  assert.deepEqual(outcomes.map((o) => o.accepted), [true, true, false, true]);
  assert.equal(live.state(60).spot, 2);

  const everything = new Engine(trace.script);
  for (const [name, at] of pressed) everything[name](at);
  assert.deepEqual(everything.state(60), live.state(60));

  // Players that keep only accepted events lose the window the first press opened (docs/engine.md, rule 9).
  const acceptedOnly = new Engine(trace.script);
  pressed.filter((_, i) => outcomes[i].accepted).forEach(([name, at]) => acceptedOnly[name](at));
  assert.equal(acceptedOnly.state(60).spot, 1);
});
