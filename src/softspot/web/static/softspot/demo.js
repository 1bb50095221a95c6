// The moving demonstration on the technique page (docs/web.md). The server draws everything
// (softspot.web.demo): the scene, the giver in each pose, each frame's marks, and a still of each key
// frame. This module only moves the giver from frame to frame and keeps the caption in step; where the
// visitor prefers reduced motion it does nothing and the stills stay, a sequence with captions.

import { framePose } from "./demo-motion.js";
import { setWords, t } from "./words.js";

const $ = (id) => document.getElementById(id);
const MOVE_MS = 900; // how long the giver takes to get from one frame's place to the next
const reduce = window.matchMedia("(prefers-reduced-motion: reduce)");

const section = $("demo");
const player = $("demo-player");
const stills = $("demo-stills");
const giver = $("demo-giver");
const shadow = giver.querySelector(".shadow");
const playButton = $("demo-play");
const demoData = JSON.parse($("demo-data").textContent);
const frames = demoData.frames;
setWords(demoData.words, document.documentElement.lang); // the page's language only
const marks = [...section.querySelectorAll("#demo-scene .marks")];

let index = 0; // the frame shown
let elapsed = 0; // ms into it
let playing = false;
let last = 0;
let raf = 0;
let shownMarks = -1;

function caption(n) {
  const frame = frames[n];
  const text = $("demo-caption");
  text.replaceChildren();
  if (frame.adds) {
    const mark = Object.assign(document.createElement("span"), { className: "adds", textContent: t("softspot adds:") });
    text.append(mark, " ");
  }
  text.append(frame.caption);
  $("demo-step").textContent = t("Step {n} of {total}", { n: n + 1, total: frames.length });
  player.dataset.frame = String(n + 1);
}

function draw() {
  const pose = framePose(frames, index, elapsed, MOVE_MS);
  giver.setAttribute(
    "transform",
    `translate(${pose.x.toFixed(1)} ${pose.y.toFixed(1)}) rotate(${pose.turn.toFixed(1)}) scale(${(1 + 0.15 * pose.lift).toFixed(3)})`,
  );
  giver.dataset.pose = pose.pose;
  giver.setAttribute("opacity", pose.opacity.toFixed(2));
  shadow.setAttribute("opacity", (0.45 * pose.lift).toFixed(2));
  const settled = pose.settled ? index : -1;
  if (settled !== shownMarks) {
    marks.forEach((g, i) => g.classList.toggle("on", i === settled));
    shownMarks = settled;
  }
  player.dataset.settled = String(pose.settled);
}

function tick(now) {
  raf = 0;
  if (!playing) return;
  elapsed += Math.min(100, now - last); // a tab that was away does not jump ahead
  last = now;
  const length = frames[index].seconds * 1000;
  if (elapsed >= length) {
    if (index === frames.length - 1) {
      draw();
      setPlaying(false, t("Play again"));
      return;
    }
    go(index + 1, 0);
  }
  draw();
  raf = window.requestAnimationFrame(tick);
}

/** Show frame `n`; `at` ms into it (MOVE_MS or more: already in place, no motion). */
function go(n, at) {
  index = (n + frames.length) % frames.length;
  elapsed = at;
  caption(index);
  draw();
}

function setPlaying(on, label = on ? t("Pause") : t("Play")) {
  playing = on;
  player.dataset.playing = String(on);
  playButton.textContent = label;
  playButton.setAttribute("aria-pressed", String(on));
  if (on && !raf) {
    last = performance.now();
    raf = window.requestAnimationFrame(tick);
  }
}

function toggle() {
  if (!playing && index === frames.length - 1 && elapsed >= frames[index].seconds * 1000) go(0, 0);
  setPlaying(!playing);
}

/** Back or Next: the frame before or after; while paused it is shown in place, without motion. */
function step(by) {
  go(index + by, playing ? 0 : MOVE_MS);
}

function mode() {
  const still = reduce.matches;
  player.hidden = still;
  stills.hidden = !still;
  section.dataset.mode = still ? "stills" : "motion";
  if (still) setPlaying(false);
}

playButton.addEventListener("click", toggle);
$("demo-prev").addEventListener("click", () => step(-1));
$("demo-next").addEventListener("click", () => step(1));
reduce.addEventListener("change", mode);
go(0, MOVE_MS);
mode();
setPlaying(false);
section.dataset.ready = "true";
