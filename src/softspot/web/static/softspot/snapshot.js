// Resume snapshots: enough to rebuild a session after a reload or a crash.
//
// A snapshot holds the events so far (each at its session-clock time) and the
// session clock when it was saved, anchored to the wall clock (Date.now()).
// Rebuilding replays the events into a fresh engine: the engine is
// deterministic, so the same events give the same state. A session that was
// running comes back paused at the saved moment (the moment of the reload), so
// no cue passes unheard while the page was away; the tap carries on. A session
// that was halted (Stop pressed, no answer yet) comes back halted: still asking
// why, and only Carry on goes on.
//
// Events are what the player did, refused "softened" presses included: an early
// press on a leg's first spot is refused but opens the confirmation window, so a
// replay needs it to accept the confirming second press (docs/engine.md, rule 9).
//
// stage: "playing", "after" (over, ratings not saved yet: `form` keeps what was
// filled in) or "saved" (the record is in the outbox, or on the server when
// `sent`; `summary` is the line shown under "Saved").

export const VERSION = 1;
export const MAX_AGE_MS = 12 * 60 * 60 * 1000;
export const STAGES = Object.freeze(["playing", "after", "saved"]);
const PREFIX = "softspot:snapshot:";

/** Session seconds at performance.now() `perfNow`, for a clock that read 0 at `perfZero`. */
export function sessionClock(perfNow, perfZero, scale) {
  return ((perfNow - perfZero) / 1000) * scale;
}

/** The performance.now() at which the session clock read 0, given it reads `clock` at `perfNow`. */
export function perfZeroFor(clock, perfNow, scale) {
  return perfNow - (clock * 1000) / scale;
}

/** Milliseconds of real time until the session clock reaches `clock`. */
export function msUntil(clock, perfNow, perfZero, scale) {
  return perfZero + (clock * 1000) / scale - perfNow;
}

export function makeSnapshot({
  plan,
  key,
  startedAt,
  events,
  clock,
  saved,
  scale,
  stage = "playing",
  endedAt = null,
  form = null,
  sent = false,
  summary = null,
}) {
  return { v: VERSION, plan, key, started_at: startedAt, events, clock, saved, scale, stage, ended_at: endedAt, form, sent, summary };
}

function valid(snap, plan) {
  return (
    snap !== null &&
    typeof snap === "object" &&
    snap.v === VERSION &&
    snap.plan === plan &&
    Array.isArray(snap.events) &&
    snap.events.length > 0 &&
    snap.events[0].e === "start" &&
    STAGES.includes(snap.stage) &&
    Number.isFinite(snap.clock) &&
    Number.isFinite(snap.saved) &&
    Number.isFinite(snap.scale) &&
    snap.scale > 0
  );
}

/**
 * Where a resumed session stands at wall time `wallNow`: its session clock (the
 * time the page was away counts, as it does for any pause), and where it must be
 * paused: at the saved moment when it was running, null when it was already
 * paused or is over.
 */
export function resumePoint(snap, wallNow) {
  const gap = Math.max(0, wallNow - snap.saved);
  const over = snap.stage !== "playing";
  const clock = snap.clock + (over ? 0 : (gap / 1000) * snap.scale);
  const pauseAt = over || isPaused(snap.events) || isHalted(snap.events) ? null : snap.clock;
  return { clock, pauseAt, gapMs: gap };
}

/** True when Stop was pressed and neither Carry on nor a reason has come since (the clock is frozen). */
export function isHalted(events) {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    if (events[i].e === "halt") return true;
    if (["resume", "stop", "start"].includes(events[i].e)) return false;
  }
  return false;
}

/** True when the last pause/resume event is a pause. */
export function isPaused(events) {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    if (events[i].e === "pause") return true;
    if (events[i].e === "resume" || events[i].e === "start") return false;
  }
  return false;
}

// "tick" marks the moment the player saw the session end on time, so a replay ends it too.
export const METHODS = new Set(["start", "tick", "softened", "pause", "resume", "extend", "skip", "halt", "stop"]);

/** Feed recorded events into a fresh engine; returns the cues they made (already played once). */
export function replay(engine, events) {
  const cues = [];
  for (const ev of events) {
    if (!METHODS.has(ev.e)) throw new Error(`unknown event ${ev.e}`);
    const out = ev.e === "stop" ? engine.stop(ev.at, ev.reason) : engine[ev.e](ev.at);
    if (out && out.cues) cues.push(...out.cues);
  }
  return cues;
}

export function storageKey(plan) {
  return PREFIX + plan;
}

export function readSnapshot(storage, plan, wallNow) {
  let snap = null;
  try {
    snap = JSON.parse(storage.getItem(storageKey(plan)));
  } catch {
    snap = null;
  }
  if (!valid(snap, plan)) return null;
  if (wallNow - snap.saved > MAX_AGE_MS) {
    clearSnapshot(storage, plan);
    return null;
  }
  return snap;
}

export function writeSnapshot(storage, snap) {
  try {
    storage.setItem(storageKey(snap.plan), JSON.stringify(snap));
    return true;
  } catch {
    return false; // storage full or disabled: the session still runs, it just cannot resume
  }
}

export function clearSnapshot(storage, plan) {
  try {
    storage.removeItem(storageKey(plan));
  } catch {
    /* nothing to clear */
  }
}
