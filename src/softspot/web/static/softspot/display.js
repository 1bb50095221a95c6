// What the player shows in words, as pure functions (tested in tests/js/display.test.mjs):
// the spot counter, the countdown, the readiness line and what protects the session.

import { t } from "./words.js";

/** "1:05" for 65 seconds; rounds up, so 0:00 only when the time is really up. */
export function clockText(seconds) {
  const s = Math.max(0, Math.ceil(seconds - 1e-6));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Where the session is: the leg and "spot k of K", K being the leg's planned spots (constant for the leg).
 * A reserve spot (one the plan keeps for when spots soften early) counts on from K: "+1", "+2".
 * Outside a spot the counter points at the leg's first spot before its spots and at the last one after;
 * the start and switch segments name the leg that comes next. Null when no leg is in play (the end).
 *
 * @param script the session script (its `legs`)
 * @param state  the engine state: kind, leg, spot, next
 * @param played spots already played, as [{leg, index}] (the engine's record so far)
 */
export function counter(script, state, played = []) {
  const legId = state.leg || (state.next && state.next.leg) || null;
  const leg = legId ? script.legs.find((l) => l.leg === legId) : null;
  if (!leg || state.finished) return null;
  const planned = leg.spots.length;
  let index;
  if (state.kind === "spot" && state.leg === legId && state.spot) index = state.spot;
  else {
    const onLeg = played.filter((s) => s.leg === legId);
    index = onLeg.length ? onLeg[onLeg.length - 1].index : 1;
  }
  const reserve = index > planned;
  return {
    leg: legId,
    legName: leg.name || legId,
    spot: index,
    planned,
    reserve,
    k: reserve ? `+${index - planned}` : String(index),
    K: String(planned),
  };
}

/** The confirmation window of an early "softened", counting down: "5 s left" (whole seconds, rounded up). */
export function confirmText(seconds) {
  return t("{seconds} s left", { seconds: Math.max(1, Math.ceil(seconds - 1e-6)) });
}

/** "Getting the voice ready: 12 of 23", then what came of it, in plain words. */
export function readinessText({ done, total, failed, speech }) {
  if (total === 0) return speech ? t("The phone's own voice will speak the steps.") : t("No voice: follow the screen.");
  if (done < total) return t("Getting the voice ready: {done} of {total}", { done, total });
  if (failed === 0) return t("Voice ready: all {total} clips are on this phone.", { total });
  if (failed === total) {
    return speech
      ? t("The voice clips could not be fetched: the phone's own voice speaks the steps instead.")
      : t("The voice clips could not be fetched and this browser has no voice of its own: the steps are only on screen.");
  }
  return speech
    ? t("{failed} of {total} voice clips could not be fetched: the phone's own voice speaks those steps instead.", { failed, total })
    : t(
        "{failed} of {total} voice clips could not be fetched and this browser has no voice of its own: those steps are only on screen.",
        { failed, total },
      );
}

export const KEEP_AWAKE = Object.freeze(["wake-lock", "video", "none"]);

/**
 * What keeps this session safe, as short lines for the small print under the player.
 *
 * @param keepAwake  "wake-lock" | "video" | "none"
 * @param active     whether that is in force now (after the first tap) or only planned
 * @param offline    "yes" | "no" | "pending"
 * @param secure     window.isSecureContext
 * @param offlineWhy why there is no offline copy when `secure` (e.g. "this browser keeps none")
 * @param kept       whether the record can be kept on this phone (IndexedDB or localStorage)
 */
export function protection({ keepAwake, active, offline, secure, offlineWhy = "", kept }) {
  const screen = {
    "wake-lock": active ? t("Screen: kept on (wake lock).") : t("Screen: will be kept on (wake lock)."),
    video: active
      ? t("Screen: kept on by a silent video.")
      : secure
        ? t("Screen: will be kept on by a silent video.")
        : t("Screen: will be kept on by a silent video (no wake lock on a plain http address)."),
    none: t("Screen: cannot be kept on here; touch it now and then, or set a longer screen timeout."),
  }[keepAwake];
  let away;
  if (offline === "yes") away = t("Works offline: yes.");
  else if (offline === "pending") away = t("Works offline: not yet, keeping a copy…");
  else if (!secure) away = t("Works offline: no, this address is not secure (plain http), so the browser keeps no offline copy.");
  else away = t("Works offline: no, {why}.", { why: offlineWhy || t("the browser keeps no offline copy") });
  const record = kept
    ? t("Record: kept on this phone until it is sent.")
    : t("Record: this browser cannot keep it; it is sent when you save.");
  return [screen, away, record];
}

/** One line under "Saved": how the tension changed, or that there were no ratings after. */
export function changeText(before, after) {
  if (!after) return t("Stopped early, without ratings after.");
  return t("Tension before → after: left {bl} → {al}, right {br} → {ar}, lower back {bb} → {ab}.", {
    bl: before.left,
    al: after.left,
    br: before.right,
    ar: after.right,
    bb: before.back,
    ab: after.back,
  });
}
