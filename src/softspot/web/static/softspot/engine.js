// The session engine for the browser: plays a session script, driven by events and an injected clock.
//
// The same engine as softspot.core.engine (Python), rule for rule; the traces in tests/traces/ hold both
// to the same states, cues and record (node --test tests/js/). Every event takes `now`, seconds from a
// monotonic clock the player owns (performance.now() / 1000). Nothing here reads a clock or counts ticks:
// each segment has a deadline on the active clock (session time minus pauses), so nothing drifts.
// docs/engine.md describes the rules, including halt(now) (the immediate stop), the minimum hold with its
// confirmation window, the timed cues (pain rule, check-in) and the state a player wakes on (wake_in).

export const EPSILON = 1e-9;
/** A spot shorter than this is not started: the leg ends instead. */
export const MIN_SPOT_SECONDS = 1.0;
export const STOP_REASONS = Object.freeze(["discomfort", "out_of_time", "other"]);

const CHIMED = new Set(["spot", "switch", "finish"]);

/** Seconds as written out: three decimals, never -0. */
export function num(value) {
  return Math.round(value * 1000) / 1000 + 0;
}

function maybe(value) {
  return value === null ? null : num(value);
}

/** 95.7 -> "1:35": whole seconds (rounded down, as the Python engine does), as M:SS. */
export function clockFace(seconds) {
  const whole = Math.max(0, Math.floor(seconds + 1e-6));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function outcome(accepted, reason, cues) {
  return { accepted, reason: reason ?? null, cues: cues.map(cueDict) };
}

function cueDict(cue) {
  return { at: num(cue.at), kind: cue.kind, show: cue.show, say: cue.say, chime: cue.chime };
}

function compile(script) {
  const legs = new Map(script.legs.map((leg) => [leg.leg, leg]));
  const items = [];
  for (const segment of script.segments) {
    if (segment.kind !== "spot") {
      items.push({ type: "fixed", segment });
      continue;
    }
    const last = items[items.length - 1];
    if (last && last.type === "spots" && last.leg.leg === segment.leg) continue;
    if (!legs.has(segment.leg)) {
      throw new Error(`segment at ${segment.starts_at} s names an unknown leg '${segment.leg}'`);
    }
    items.push({ type: "spots", leg: legs.get(segment.leg), extra: segment.extra || [] });
  }
  return items;
}

function simulate(remaining, reference, count) {
  let total = 0;
  let n = 0;
  while (n < count && remaining >= MIN_SPOT_SECONDS - EPSILON) {
    const hold = Math.min(reference, remaining);
    total += hold;
    remaining -= hold;
    n += 1;
  }
  return [total, n];
}

export class Engine {
  /** @param {object} script a session script, as `softspot plan --json` prints it */
  constructor(script) {
    this.script = script;
    this.rules = script.rules;
    this._items = compile(script);
    this._t0 = null;
    this._pausedAt = null; // session clock when the clock froze (a pause or a halt)
    this._pausedTotal = 0;
    this._halted = false;
    this._haltAt = null;
    this._confirmUntil = null; // active time until which a second "softened" confirms an early one
    this._current = null;
    this._runs = new Map();
    this._finished = false;
    this._stopReason = null;
    this._endedAt = null;
    this.cues = [];
    this.pauses = [];
    this.spots = [];
    this.legs = [];
    this.timeline = [];
  }

  // -- events ----------------------------------------------------------------

  start(now) {
    const emitted = [];
    if (this._t0 !== null) {
      if (!this._finished && this._pausedAt === null) this._advance(now, emitted);
      return outcome(false, "the session has already started", emitted);
    }
    this._t0 = now;
    this._enter(0, 0, emitted);
    return outcome(true, null, emitted);
  }

  tick(now) {
    if (this._t0 === null) return outcome(false, "the session has not started", []);
    const emitted = [];
    if (!this._finished && this._pausedAt === null) this._advance(now, emitted);
    return outcome(true, null, emitted);
  }

  /** "Softened, move on": end the current segment now. */
  softened(now) {
    const emitted = [];
    const refused = this._refuseInactive(now, emitted);
    if (refused) return refused;
    const current = this._current;
    const active = this._active(now);
    if (this._tooSoon(current, active)) {
      const windowEnd = this._confirmUntil;
      if (windowEnd === null || active > windowEnd + EPSILON) {
        this._confirmUntil = active + this.rules.confirm_seconds;
        return outcome(
          false,
          `under ${this.rules.min_hold_seconds} s on the first spot: press again within ` +
            `${this.rules.confirm_seconds} s if it really softened`,
          emitted,
        );
      }
    }
    this._end(current, active, "softened", emitted);
    return outcome(true, null, emitted);
  }

  pause(now) {
    const emitted = [];
    const refused = this._refuseInactive(now, emitted);
    if (refused) return refused;
    this._pausedAt = this._clock(now);
    this._confirmUntil = null;
    this._say("paused", this.script.cues.paused, this._pausedAt, emitted);
    return outcome(true, null, emitted);
  }

  /** Unpause, or "Carry on" after a halt: the only way a halted session goes on. */
  resume(now) {
    const refused = this._refuseUnstarted() || this._refuseFinished();
    if (refused) return refused;
    const emitted = [];
    if (this._pausedAt === null) {
      this._advance(now, emitted);
      return outcome(false, this._finished ? "the session is over" : "the session is not paused", emitted);
    }
    this._closePause(now);
    this._halted = false;
    this._haltAt = null;
    this._say("resumed", this.script.cues.resumed, this._clock(now), emitted);
    return outcome(true, null, emitted);
  }

  /**
   * The immediate stop: freeze the clock and say "Stopped · lift off gently" at once, then wait.
   * Then stop(now, reason) ends the session as of this moment, or resume(now) carries on.
   */
  halt(now) {
    const refused = this._refuseUnstarted() || this._refuseFinished();
    if (refused) return refused;
    if (this._halted) return outcome(false, "already stopped: carry on, or say why it stopped", []);
    const emitted = [];
    if (this._pausedAt === null) {
      this._advance(now, emitted);
      if (this._finished) return outcome(false, "the session is over", emitted);
      this._pausedAt = this._clock(now);
    }
    this._halted = true;
    this._haltAt = this._clock(now);
    this._confirmUntil = null;
    this._say("stopped", this.script.cues.stopped, this._haltAt, emitted);
    return outcome(true, null, emitted);
  }

  /** A little longer on this spot, within the leg's maximum. */
  extend(now) {
    const emitted = [];
    const refused = this._refuseInactive(now, emitted);
    if (refused) return refused;
    const current = this._current;
    if (current.kind !== "spot" || !current.record || current.leg === null) {
      return outcome(false, "only a spot can be made longer", emitted);
    }
    const run = this._runs.get(current.leg);
    const by = this.rules.extend_by_seconds;
    const limit = this.rules.max_leg_seconds;
    if (budgetOf(run) + by > limit + EPSILON) {
      return outcome(
        false,
        `the ${run.leg.name} leg is at its limit: ${budgetOf(run)} s of ${limit} s on spots`,
        emitted,
      );
    }
    current.deadline += by;
    current.record.extended_seconds += by;
    run.extended += by;
    this._say("extended", this.script.cues.extended, this._clock(now), emitted);
    return outcome(true, null, emitted);
  }

  /** Move to the other leg now (to the finish on the last leg). */
  skip(now) {
    const emitted = [];
    const refused = this._refuseInactive(now, emitted);
    if (refused) return refused;
    const current = this._current;
    if (["start", "switch", "finish"].includes(current.kind)) {
      return outcome(false, `there is no leg to leave during the ${current.kind} segment`, emitted);
    }
    let target = this._items.length;
    for (let i = current.item + 1; i < this._items.length; i++) {
      const item = this._items[i];
      if (item.type === "fixed" && (item.segment.kind === "switch" || item.segment.kind === "finish")) {
        target = i;
        break;
      }
    }
    const active = this._active(now);
    this._close(current, active, "skipped");
    this._endLeg(current.leg, "skipped");
    this._enter(target, active, emitted);
    return outcome(true, null, emitted);
  }

  /** End the session early, for `reason`; after a halt it ends as of the halt, saying nothing more. */
  stop(now, reason) {
    if (!STOP_REASONS.includes(reason)) {
      return outcome(false, `unknown stop reason '${reason}' (choose ${STOP_REASONS.join(", ")})`, []);
    }
    if (this._halted && !this._finished) return this._stopHalted(reason);
    const emitted = [];
    if (this._pausedAt !== null && !this._finished) this._closePause(now);
    const refused = this._refuseInactive(now, emitted);
    if (refused) return refused;
    const current = this._current;
    this._close(current, this._active(now), "stopped");
    this._endLeg(current.leg, "stopped");
    this._current = null;
    this._finished = true;
    this._stopReason = reason;
    this._endedAt = this._clock(now);
    this._say("stopped", this.script.cues.stopped, this._endedAt, emitted);
    return outcome(true, null, emitted);
  }

  _stopHalted(reason) {
    const current = this._current;
    const active = this._pausedAt - this._pausedTotal;
    if (this._haltAt > this._pausedAt + EPSILON) {
      // paused first, then halted: that pause counts
      this.pauses.push({ at: this._pausedAt, seconds: this._haltAt - this._pausedAt });
      this._pausedTotal += this._haltAt - this._pausedAt;
    }
    this._close(current, active, "stopped");
    this._endLeg(current.leg, "stopped");
    this._current = null;
    this._finished = true;
    this._stopReason = reason;
    this._endedAt = this._haltAt;
    this._pausedAt = null;
    this._halted = false;
    return outcome(true, null, []);
  }

  // -- outputs ---------------------------------------------------------------

  get started() {
    return this._t0 !== null;
  }

  get halted() {
    return this._halted;
  }

  get finished() {
    return this._finished;
  }

  get paused() {
    return this._pausedAt !== null && !this._halted;
  }

  /** A snapshot at `now` (plain JSON, seconds to 3 decimals); it does not advance the engine. */
  state(now) {
    const current = this._current;
    let phase;
    if (this._t0 === null) phase = "ready";
    else if (this._finished) phase = this._stopReason ? "stopped" : "finished";
    else if (this._halted) phase = "halted";
    else phase = this._pausedAt !== null ? "paused" : "running";
    let elapsed;
    if (this._t0 === null) elapsed = 0;
    else if (this._endedAt !== null) elapsed = this._endedAt;
    else elapsed = this._clock(now);
    const pausedSeconds = this._pausedTotal + (this._pausedAt !== null ? elapsed - this._pausedAt : 0);

    if (current === null) {
      const future = this._t0 === null ? this._future(-1) : 0;
      return stateDict({
        phase,
        paused: false,
        finished: this._finished,
        kind: null,
        show: "",
        say: "",
        step: null,
        leg: null,
        spot: null,
        spot_count: null,
        from_knee_cm: null,
        segment_seconds: 0,
        remaining: 0,
        leg_seconds: 0,
        leg_budget: 0,
        elapsed,
        expected_total: elapsed + future,
        paused_seconds: pausedSeconds,
        next: this._t0 === null ? this._describe(0) : null,
        halted: false,
        planned_spots: null,
        reserve: false,
        wake_in: null,
        confirm_left: null,
      });
    }

    const active = Math.min(this._active(now), current.deadline);
    const remaining = current.deadline - active;
    const run = current.leg !== null ? this._runs.get(current.leg) ?? null : null;
    let legSeconds = 0;
    let legBudget = 0;
    let spotCount = null;
    let rest = 0;
    let restCount = 0;
    let plannedSpots = null;
    if (current.leg !== null) {
      const leg = run ? run.leg : this.script.legs.find((l) => l.leg === current.leg);
      plannedSpots = leg.spots.length;
      legBudget = run ? budgetOf(run) : leg.budget_seconds;
      if (run) legSeconds = run.used;
      if (current.kind === "spot" && run) {
        legSeconds += active - current.start;
        [rest, restCount] = this._restOfLeg(run, current);
        spotCount = run.played + restCount;
      } else if (!run || run.played === 0) {
        spotCount = this._freshLeg(leg)[1];
      } else {
        spotCount = run.played;
      }
    }
    let following;
    if (current.kind === "spot" && restCount > 0 && run) {
      const upcoming = run.available[run.played];
      following = { kind: "spot", leg: current.leg, spot: upcoming.index, show: upcoming.cue.show };
    } else {
      following = this._describe(current.item + 1);
    }
    let show = current.cue.show;
    let say = current.cue.say;
    const hold = this.script.cues.hold ?? null;
    const moved = current.start + (this.rules.move_seconds ?? 5);
    if (this._halted) {
      show = this.script.cues.stopped.show;
      say = this.script.cues.stopped.say;
    } else if (current.kind === "spot" && hold !== null && active + EPSILON >= moved) {
      show = hold.show.split("{time}").join(clockFace(current.deadline - current.start));
    }
    let wakeIn = null;
    let confirmLeft = null;
    if (phase === "running") {
      const wakes = [current.deadline - active];
      const due = this._nextTimed(current);
      if (due !== null) wakes.push(due.at - active);
      if (current.kind === "spot" && hold !== null && active + EPSILON < moved) wakes.push(moved - active);
      if (this._confirmUntil !== null && active <= this._confirmUntil + EPSILON) {
        confirmLeft = Math.max(0, this._confirmUntil - active);
        wakes.push(confirmLeft);
      }
      wakeIn = Math.max(0, Math.min(...wakes));
    }
    return stateDict({
      phase,
      paused: this._pausedAt !== null && !this._halted,
      finished: false,
      kind: current.kind,
      show,
      say,
      step: current.step,
      leg: current.leg,
      spot: current.spot ? current.spot.index : null,
      spot_count: spotCount,
      from_knee_cm: current.spot ? current.spot.from_knee_cm : null,
      segment_seconds: current.deadline - current.start,
      remaining,
      leg_seconds: legSeconds,
      leg_budget: legBudget,
      elapsed,
      expected_total: elapsed + remaining + rest + this._future(current.item),
      paused_seconds: pausedSeconds,
      next: following,
      halted: this._halted,
      planned_spots: plannedSpots,
      reserve: current.spot !== null && plannedSpots !== null && current.spot.index > plannedSpots,
      wake_in: wakeIn,
      confirm_left: confirmLeft,
    });
  }

  /** The engine record of docs/contracts.md (so far, if the session is still running). */
  record() {
    return {
      ended_at: this._endedAt === null ? null : num(this._endedAt),
      ended_early: this._stopReason !== null,
      stop_reason: this._stopReason,
      paused_seconds: num(this._pausedTotal),
      pauses: this.pauses.map((p) => ({ at: num(p.at), seconds: num(p.seconds) })),
      spots: this.spots.map((s) => ({
        leg: s.leg,
        index: s.index,
        from_knee_cm: s.from_knee_cm,
        planned_seconds: num(s.planned_seconds),
        held_seconds: num(s.held_seconds),
        extended_seconds: num(s.extended_seconds),
        ended_by: s.ended_by,
      })),
      legs: this.legs.map((l) => ({ leg: l.leg, seconds: num(l.seconds), ended_by: l.ended_by })),
    };
  }

  /** Every segment as played (seconds exclude pauses, `at` is session clock). */
  playedTimeline() {
    return this.timeline.map((p) => ({ ...p, at: num(p.at), seconds: num(p.seconds) }));
  }

  // -- internals -------------------------------------------------------------

  _clock(now) {
    return now - this._t0;
  }

  _active(now) {
    const clock = this._pausedAt !== null ? this._pausedAt : this._clock(now);
    return clock - this._pausedTotal;
  }

  _refuseUnstarted() {
    return this._t0 === null ? outcome(false, "the session has not started", []) : null;
  }

  _refuseFinished() {
    return this._finished ? outcome(false, "the session is over", []) : null;
  }

  /** Refuse unless running; first let time catch up to `now`. */
  _refuseInactive(now, emitted) {
    const refused = this._refuseUnstarted() || this._refuseFinished();
    if (refused) return refused;
    if (this._halted) return outcome(false, "the session is stopped: carry on, or say why it stopped", []);
    if (this._pausedAt !== null) return outcome(false, "the session is paused", []);
    this._advance(now, emitted);
    if (this._finished) return outcome(false, "the session is over", emitted);
    return null;
  }

  _closePause(now) {
    const seconds = this._clock(now) - this._pausedAt;
    this.pauses.push({ at: this._pausedAt, seconds });
    this._pausedTotal += seconds;
    this._pausedAt = null;
  }

  _say(kind, cue, at, emitted) {
    const made = { at, kind, show: cue.show, say: cue.say, chime: CHIMED.has(kind) };
    emitted.push(made);
    this.cues.push(made);
  }

  /** Catch up with `now`: say every timed cue and end every segment whose moment has passed, in order. */
  _advance(now, emitted) {
    const active = this._active(now);
    while (this._current !== null) {
      const current = this._current;
      const due = this._nextTimed(current);
      if (due !== null && active + EPSILON >= due.at) this._sayTimed(current, due, emitted);
      else if (active + EPSILON >= current.deadline) this._end(current, current.deadline, "time", emitted);
      else break;
    }
  }

  /** The next timed cue inside the current segment ({at: active time, kind, cue}), if it comes before its end. */
  _nextTimed(current) {
    let due;
    if (current.kind === "spot") {
      const after = this.rules.check_in_after_seconds ?? null;
      const cue = this.script.cues.check_in ?? null;
      const run = current.leg !== null ? this._runs.get(current.leg) : undefined;
      if (after === null || cue === null || !run || run.checkedIn) return null;
      due = { at: current.start + Math.max(0, after - run.used), kind: "check_in", cue };
    } else if (current.said < current.timed.length) {
      const timed = current.timed[current.said];
      due = { at: current.start + timed.after, kind: timed.kind, cue: timed.cue };
    } else {
      return null;
    }
    return due.at < current.deadline - EPSILON ? due : null;
  }

  _sayTimed(current, due, emitted) {
    if (due.kind === "check_in" && current.leg !== null) this._runs.get(current.leg).checkedIn = true;
    else current.said += 1;
    this._say(due.kind, due.cue, due.at + this._pausedTotal, emitted);
  }

  /** Say the timed cues due when a segment begins (`after` 0), right after its own cues. */
  _sayDue(current, at, emitted) {
    let due;
    while ((due = this._nextTimed(current)) !== null && due.at <= at + EPSILON) this._sayTimed(current, due, emitted);
  }

  /** A "softened" on a leg's first spot before the minimum hold: it needs a second press. */
  _tooSoon(current, active) {
    if (current.kind !== "spot" || current.leg === null || !current.record) return false;
    const run = this._runs.get(current.leg);
    return run.reference === null && active - current.start < (this.rules.min_hold_seconds ?? 0) - EPSILON;
  }

  _enter(index, at, emitted) {
    if (index >= this._items.length) {
      this._current = null;
      this._finished = true;
      this._endedAt = at + this._pausedTotal;
      return;
    }
    const item = this._items[index];
    if (item.type === "spots") {
      const run = this._run(item.leg);
      if (run.available.length === 0) {
        this._endLeg(item.leg.leg, "last_spot");
        this._enter(index + 1, at, emitted);
      } else {
        this._startSpot(index, run, item.extra, at, emitted);
      }
      return;
    }
    const segment = item.segment;
    const leg = segment.leg ?? null;
    if (leg !== null && (segment.kind === "prepare" || segment.kind === "add_on")) {
      this._run(this.script.legs.find((l) => l.leg === leg));
    }
    const clock = at + this._pausedTotal;
    const current = {
      item: index,
      kind: segment.kind,
      cue: segment.cue,
      leg,
      step: segment.step ?? null,
      start: at,
      deadline: at + segment.seconds,
      at: clock,
      spot: null,
      record: null,
      timed: [...(segment.timed || [])].sort((a, b) => a.after - b.after),
      said: 0,
    };
    this._current = current;
    this._say(segment.kind, segment.cue, clock, emitted);
    for (const extra of segment.extra || []) this._say("extra", extra, clock, emitted);
    this._sayDue(current, at, emitted);
  }

  _run(leg) {
    let run = this._runs.get(leg.leg);
    if (!run) {
      const record = { leg: leg.leg, seconds: 0, ended_by: null };
      this.legs.push(record);
      run = {
        leg,
        available: [...leg.spots, ...leg.reserve],
        record,
        played: 0,
        used: 0,
        extended: 0,
        reference: null,
        checkedIn: false,
      };
      this._runs.set(leg.leg, run);
    }
    return run;
  }

  _startSpot(index, run, extra, at, emitted) {
    const spot = run.available[run.played];
    const hold =
      run.reference === null
        ? Math.min(this.rules.first_hold_max_seconds, budgetOf(run))
        : Math.min(run.reference, budgetOf(run) - run.used);
    run.played += 1;
    const record = {
      leg: run.leg.leg,
      index: spot.index,
      from_knee_cm: spot.from_knee_cm,
      planned_seconds: hold,
      held_seconds: 0,
      extended_seconds: 0,
      ended_by: null,
    };
    this.spots.push(record);
    const clock = at + this._pausedTotal;
    const current = {
      item: index,
      kind: "spot",
      cue: spot.cue,
      leg: run.leg.leg,
      step: null,
      start: at,
      deadline: at + hold,
      at: clock,
      spot,
      record,
      timed: [],
      said: 0,
    };
    this._current = current;
    this._say("spot", spot.cue, clock, emitted);
    for (const cue of extra) this._say("extra", cue, clock, emitted);
    this._sayDue(current, at, emitted);
  }

  _close(current, at, endedBy) {
    const held = at - current.start;
    this._confirmUntil = null;
    this.timeline.push({
      kind: current.kind,
      leg: current.leg,
      spot: current.spot ? current.spot.index : null,
      step: current.step,
      at: current.at,
      seconds: held,
      ended_by: endedBy,
    });
    if (current.record && current.leg !== null) {
      const run = this._runs.get(current.leg);
      current.record.held_seconds = held;
      current.record.ended_by = endedBy;
      run.used += held;
      run.record.seconds = run.used;
      if (run.reference === null) {
        // Later spots last as long as the first took, never less than the minimum hold.
        run.reference = Math.max(Math.min(held, current.record.planned_seconds), this.rules.min_hold_seconds ?? 0);
      }
    }
  }

  _endLeg(leg, endedBy) {
    const run = leg !== null ? this._runs.get(leg) : undefined;
    if (run && run.record.ended_by === null) run.record.ended_by = endedBy;
  }

  _end(current, at, endedBy, emitted) {
    this._close(current, at, endedBy);
    if (current.kind === "finish") {
      this._enter(this._items.length, at, emitted);
      return;
    }
    const item = this._items[current.item];
    if (item.type === "spots") {
      const run = this._runs.get(item.leg.leg);
      if (budgetOf(run) - run.used < MIN_SPOT_SECONDS - EPSILON) {
        this._endLeg(run.leg.leg, "time");
      } else if (run.played >= run.available.length) {
        this._endLeg(run.leg.leg, "last_spot");
      } else {
        this._startSpot(current.item, run, item.extra, at, emitted);
        return;
      }
    }
    this._enter(current.item + 1, at, emitted);
  }

  _restOfLeg(run, current) {
    const seconds = current.deadline - current.start;
    const after = budgetOf(run) - run.used - seconds;
    const planned = current.record ? current.record.planned_seconds : seconds;
    const reference = run.reference !== null ? run.reference : planned;
    return simulate(after, reference, run.available.length - run.played);
  }

  _freshLeg(leg) {
    const count = leg.spots.length + leg.reserve.length;
    if (count === 0) return [0, 0];
    const first = Math.min(this.rules.first_hold_max_seconds, leg.budget_seconds);
    const [rest, n] = simulate(leg.budget_seconds - first, first, count - 1);
    return [first + rest, n + 1];
  }

  _future(index) {
    let total = 0;
    for (const item of this._items.slice(index + 1)) {
      total += item.type === "fixed" ? item.segment.seconds : this._freshLeg(item.leg)[0];
    }
    return total;
  }

  _describe(index) {
    if (index >= this._items.length) return null;
    const item = this._items[index];
    if (item.type === "fixed") {
      const seg = item.segment;
      return { kind: seg.kind, leg: seg.leg ?? null, spot: null, show: seg.cue.show };
    }
    const spots = [...item.leg.spots, ...item.leg.reserve];
    if (spots.length === 0) return this._describe(index + 1);
    return { kind: "spot", leg: item.leg.leg, spot: spots[0].index, show: spots[0].cue.show };
  }
}

function budgetOf(run) {
  return run.leg.budget_seconds + run.extended;
}

function stateDict(s) {
  s.wake_in = maybe(s.wake_in);
  s.confirm_left = maybe(s.confirm_left);
  for (const key of [
    "segment_seconds",
    "remaining",
    "leg_seconds",
    "leg_budget",
    "elapsed",
    "expected_total",
    "paused_seconds",
  ]) {
    s[key] = num(s[key]);
  }
  return s;
}
