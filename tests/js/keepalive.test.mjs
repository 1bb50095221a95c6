// Keeping the screen on: the wake lock where there is one, else the silent video started inside the tap,
// else nothing (and the page says so); the video loops by seeking, muted except on WebKit.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ScreenKeeper, isWebKit, mediaButtons } from "../../src/softspot/web/static/softspot/keepalive.js";

class FakeTarget {
  constructor() {
    this.listeners = new Map();
  }
  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }
  removeEventListener(type, fn) {
    this.listeners.set(type, (this.listeners.get(type) || []).filter((f) => f !== fn));
  }
  fire(type) {
    for (const fn of [...(this.listeners.get(type) || [])]) fn();
  }
}

function fakeVideo({ playable = true, allowed = true } = {}) {
  const video = new FakeTarget();
  Object.assign(video, {
    paused: true,
    muted: true,
    loop: true,
    playsInline: false,
    currentTime: 0,
    duration: 6,
    plays: 0,
    allowed,
    attributes: new Set(["muted"]),
    setAttribute(name) {
      this.attributes.add(name);
    },
    removeAttribute(name) {
      this.attributes.delete(name);
    },
    querySelectorAll: () => [{ type: "video/webm" }],
    canPlayType: () => (playable ? "maybe" : ""),
    play() {
      this.plays += 1;
      if (!this.allowed) return Promise.reject(new Error("NotAllowedError"));
      this.paused = false;
      return Promise.resolve();
    },
    pause() {
      this.paused = true;
    },
  });
  return video;
}

function fakeDoc() {
  const doc = new FakeTarget();
  doc.visibilityState = "visible";
  return doc;
}

const CHROME = { userAgent: "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36" };
const IPHONE = { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" };
const CHROME_ON_IOS = { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1" };

test("only Safari and the iOS browsers count as WebKit", () => {
  assert.deepEqual([CHROME, IPHONE, CHROME_ON_IOS].map(isWebKit), [false, true, true]);
});

test("without a wake lock the video plays from the tap, muted, looping by seeking back, and stops at the end", async () => {
  const video = fakeVideo();
  const changes = [];
  const keeper = new ScreenKeeper({ doc: fakeDoc(), nav: { ...CHROME }, video, onChange: (mode, active) => changes.push([mode, active]) });
  assert.equal(keeper.mode, "video", "planned before the tap");
  const pending = keeper.acquire();
  assert.equal(video.plays, 1, "play() is called at once, inside the tap");
  assert.equal(await pending, "video");
  assert.deepEqual([video.muted, video.loop, video.playsInline], [true, false, true]);
  video.currentTime = 5.5;
  video.fire("timeupdate");
  assert.equal(video.currentTime, 0, "seeks back before the end instead of looping");
  keeper.release();
  assert.equal(video.paused, true);
  assert.deepEqual(changes, [["video", true], ["video", false]]);
});

test("on WebKit the video plays unmuted (its audio track is silent): a muted one never keeps the screen on", () => {
  const video = fakeVideo();
  new ScreenKeeper({ doc: fakeDoc(), nav: { ...IPHONE }, video });
  assert.equal(video.muted, false);
  assert.equal(video.attributes.has("muted"), false);
});

test("a wake lock is used where there is one, and a refused one falls back to the video", async () => {
  const lock = { released: false, release: async () => {}, addEventListener() {} };
  const granted = new ScreenKeeper({ doc: fakeDoc(), nav: { ...CHROME, wakeLock: { request: async () => lock } }, video: fakeVideo() });
  assert.equal(await granted.acquire(), "wake-lock");
  const video = fakeVideo();
  const notice = { textContent: "", hidden: true };
  const refused = new ScreenKeeper({
    doc: fakeDoc(),
    nav: { ...CHROME, wakeLock: { request: async () => Promise.reject(new Error("NotAllowedError")) } },
    video,
    notice,
  });
  assert.equal(await refused.acquire(), "video");
  assert.equal(video.paused, false);
});

test("when the video may not play, nothing keeps the screen on, the page says so, and the next tap tries again", async () => {
  const doc = fakeDoc();
  const video = fakeVideo({ allowed: false });
  const notice = { textContent: "", hidden: true };
  const keeper = new ScreenKeeper({ doc, nav: { ...CHROME }, video, notice });
  assert.equal(await keeper.acquire(), "none");
  assert.equal(notice.hidden, false);
  assert.match(notice.textContent, /cannot keep the screen on/);
  video.allowed = true;
  doc.fire("pointerdown");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(keeper.mode, "video");
  assert.equal(video.paused, false);
});

test("a browser that can play neither clip has no way to keep the screen on", () => {
  const keeper = new ScreenKeeper({ doc: fakeDoc(), nav: { ...CHROME }, video: fakeVideo({ playable: false }) });
  assert.equal(keeper.mode, "none");
});

test("lock-screen and headphone buttons: play, pause, next and stop reach the player", () => {
  const handlers = {};
  const nav = { mediaSession: { setActionHandler: (action, fn) => (handlers[action] = fn), metadata: null, playbackState: "none" } };
  const calls = [];
  const set = mediaButtons(nav, {
    pause: () => calls.push("pause"),
    resume: () => calls.push("resume"),
    next: () => calls.push("next"),
    stop: () => calls.push("stop"),
  });
  assert.deepEqual(Object.keys(handlers).sort(), ["nexttrack", "pause", "play", "stop"]);
  for (const action of ["stop", "play", "pause", "nexttrack"]) handlers[action]();
  assert.deepEqual(calls, ["stop", "resume", "pause", "next"]);
  set("Stopped · lift off gently", true, "Hands-free hamstring massage");
  assert.equal(nav.mediaSession.playbackState, "paused", "halted shows as paused on the lock screen");
});

test("a platform without a stop button (or without Media Session) is fine", () => {
  const handlers = {};
  const nav = {
    mediaSession: {
      setActionHandler: (action, fn) => {
        if (action === "stop") throw new TypeError("not supported");
        handlers[action] = fn;
      },
    },
  };
  assert.doesNotThrow(() => mediaButtons(nav, { pause() {}, resume() {}, next() {}, stop() {} }));
  assert.deepEqual(Object.keys(handlers).sort(), ["nexttrack", "pause", "play"]);
  assert.equal(typeof mediaButtons({}, { pause() {}, resume() {}, next() {}, stop() {} }), "function");
});
