// The session record sent to the store (docs/contracts.md), built from the engine's record.

import { t } from "./words.js";

export const RATING_PARTS = ["left", "right", "back"];
// Named when shown, in the page's language (words.js).
const PART_NAMES = {
  get left() {
    return t("left hamstring");
  },
  get right() {
    return t("right hamstring");
  },
  get back() {
    return t("lower back");
  },
};

/**
 * Ratings from form entries named `${prefix}${part}` (e.g. "after-left").
 * Returns {ratings} or {missing: [part names]}.
 */
export function ratingsFrom(entries, prefix = "after-") {
  const values = new Map(entries);
  const ratings = {};
  const missing = [];
  for (const part of RATING_PARTS) {
    const raw = values.get(prefix + part);
    const n = typeof raw === "string" && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 10) ratings[part] = n;
    else missing.push(PART_NAMES[part]);
  }
  return missing.length ? { missing } : { ratings };
}

/** The record of docs/contracts.md; `plan` (the web plan's id) lets the play page show it as saved. */
export function buildRecord({ key, plan = null, script, engine, before, after, note, startedAt, endedAt }) {
  if (engine.ended_at === null || engine.ended_at === undefined) throw new Error("the session has not ended");
  if (after === null && !engine.ended_early) throw new Error("after: ratings are needed when the session ran to the end");
  return {
    key,
    ...(plan ? { plan } : {}),
    source: "web",
    script,
    engine,
    before,
    after,
    note: (note || "").slice(0, 2000),
    started_at: startedAt,
    ended_at: endedAt < startedAt ? startedAt : endedAt,
  };
}

/** ISO 8601 in UTC without milliseconds, e.g. 2026-11-23T20:01:02Z. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
