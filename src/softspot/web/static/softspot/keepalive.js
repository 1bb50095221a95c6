// Keeping a session alive with the screen off or the page in the background:
// the screen kept on (a wake lock, or where there is none a silent video),
// a soft background sound, and Media Session buttons (lock screen, headphones).

import { softNoiseWav } from "./audio.js";
import { t } from "./words.js";

// Read when shown, so they come in the page's language (words.js).
export const NOTICES = {
  get none() {
    return t(
      "This browser cannot keep the screen on. Timing and voice carry on with the screen off; " +
        "turn on the soft background sound so they are not slowed down.",
    );
  },
  get refused() {
    return t(
      "The screen may turn off: the browser refused to keep it on (battery saver?). " +
        "Timing and voice carry on; the soft background sound helps.",
    );
  },
};

/**
 * Safari and every iOS browser (WebKit) keep the screen on only for a video that plays unmuted,
 * with an audio track, without the loop attribute (WebKit's HTMLMediaElement::shouldDisableSleep).
 */
export function isWebKit(nav) {
  const ua = (nav && nav.userAgent) || "";
  return /AppleWebKit/.test(ua) && !/Chrome\/|Chromium|Android|Edg\//.test(ua);
}

/**
 * Keeps the screen on while a session runs: the Screen Wake Lock where the browser has it (a secure
 * page), else the looping silent video in the page (`video`, see docs/web.md for what each browser
 * needs of it), else nothing. `acquire()` must be called inside the first tap: a video may only start
 * playing from one. `mode` is "wake-lock", "video" or "none"; `onChange(mode, active)` tells the page.
 */
export class ScreenKeeper {
  constructor({ doc = document, nav = navigator, video = null, notice = null, onChange = () => {} } = {}) {
    this.doc = doc;
    this.nav = nav;
    this.video = video;
    this.notice = notice;
    this.onChange = onChange;
    this.lock = null;
    this.wanted = false;
    this.active = false;
    this.mode = this.planned();
    if (video) prepareVideo(video, isWebKit(nav));
    this.onVisibility = () => {
      if (this.wanted && this.doc.visibilityState === "visible") this.acquire();
    };
    doc.addEventListener("visibilitychange", this.onVisibility);
  }

  /** What will keep the screen on once the session starts. */
  planned() {
    if (this.nav.wakeLock) return "wake-lock";
    return this.video && playable(this.video) ? "video" : "none";
  }

  show(text) {
    if (!this.notice) return;
    this.notice.textContent = text || "";
    this.notice.hidden = !text;
  }

  set(mode, active, notice = "") {
    this.mode = mode;
    this.active = active;
    this.show(notice);
    this.onChange(mode, active);
    return mode;
  }

  /** Keep the screen on from now until release(); call it inside a tap. Resolves to the mode in force. */
  async acquire() {
    this.wanted = true;
    if (!this.nav.wakeLock) return this.startVideo(); // play() runs before the first await: inside the tap
    if (this.lock && !this.lock.released) return this.set("wake-lock", true);
    try {
      this.lock = await this.nav.wakeLock.request("screen");
      this.lock.addEventListener?.("release", () => {
        this.lock = null;
      });
      if (!this.wanted) return this.release();
      return this.set("wake-lock", true);
    } catch {
      this.lock = null;
      return this.startVideo(NOTICES.refused);
    }
  }

  async startVideo(refusedNotice = NOTICES.none) {
    const video = this.video;
    if (!video || !playable(video)) return this.set("none", false, refusedNotice);
    try {
      await video.play();
      if (!this.wanted) {
        video.pause();
        return this.mode;
      }
      return this.set("video", true);
    } catch {
      // Not allowed without a tap (a wake lock refused later, a page coming back): try again on the next one.
      const retry = () => {
        this.doc.removeEventListener("pointerdown", retry, true);
        this.doc.removeEventListener("keydown", retry, true);
        if (this.wanted && video.paused) this.startVideo(refusedNotice);
      };
      this.doc.addEventListener("pointerdown", retry, true);
      this.doc.addEventListener("keydown", retry, true);
      return this.set("none", false, refusedNotice);
    }
  }

  release() {
    this.wanted = false;
    if (this.lock) this.lock.release().catch(() => {});
    this.lock = null;
    if (this.video && !this.video.paused) this.video.pause();
    return this.set(this.mode, false);
  }
}

function playable(video) {
  const sources = [...video.querySelectorAll("source")];
  return sources.some((s) => typeof video.canPlayType === "function" && video.canPlayType(s.type) !== "");
}

/** Inline and silent; muted except on WebKit; looped by seeking back (WebKit ignores a looping video). */
function prepareVideo(video, webkit) {
  video.playsInline = true;
  video.setAttribute("playsinline", "");
  video.loop = false;
  video.muted = !webkit;
  if (webkit) video.removeAttribute("muted");
  const back = () => {
    if (Number.isFinite(video.duration) && video.currentTime > video.duration - 1) video.currentTime = 0;
  };
  video.addEventListener("timeupdate", back);
  video.addEventListener("ended", () => {
    video.currentTime = 0;
    video.play().catch(() => {});
  });
}

export class BackgroundSound {
  constructor() {
    this.audio = null;
    this.url = null;
  }

  get on() {
    return Boolean(this.audio && !this.audio.paused);
  }

  start() {
    if (!this.audio) {
      this.url = URL.createObjectURL(new Blob([softNoiseWav()], { type: "audio/wav" }));
      this.audio = new Audio(this.url);
      this.audio.loop = true;
      this.audio.volume = 0.5;
    }
    return this.audio.play().catch(() => {});
  }

  stop() {
    if (this.audio) this.audio.pause();
  }
}

/**
 * Lock-screen and headphone buttons: play/pause pause and resume, "next" moves on, "stop" stops at once
 * (where the platform sends it). Play never carries on after a Stop: the player only resumes a pause.
 */
export function mediaButtons(nav, { pause, resume, next, stop }) {
  const session = nav.mediaSession;
  if (!session) return () => {};
  const handlers = { play: resume, pause, nexttrack: next, stop };
  for (const [action, fn] of Object.entries(handlers)) {
    if (!fn) continue;
    try {
      session.setActionHandler(action, fn);
    } catch {
      /* action not supported here */
    }
  }
  return (title, paused, technique) => {
    try {
      if (globalThis.MediaMetadata) {
        session.metadata = new globalThis.MediaMetadata({ title, artist: "softspot", album: technique });
      }
      session.playbackState = paused ? "paused" : "playing";
    } catch {
      /* metadata is a nicety */
    }
  };
}
