// Keeping a session alive with the screen off or the page in the background:
// a screen wake lock taken again whenever the page is visible, a soft
// background sound, and Media Session buttons (lock screen, headphones).

import { softNoiseWav } from "./audio.js";

export const NOTICES = {
  unsupported:
    "This browser cannot keep the screen on. Timing and voice carry on with the screen off; " +
    "turn on the soft background sound so they are not slowed down.",
  refused:
    "The screen may turn off: the browser refused to keep it on (battery saver?). " +
    "Timing and voice carry on; the soft background sound helps.",
};

export class ScreenKeeper {
  constructor({ doc = document, nav = navigator, notice = null } = {}) {
    this.doc = doc;
    this.nav = nav;
    this.notice = notice;
    this.lock = null;
    this.wanted = false;
    this.onVisibility = () => {
      if (this.wanted && this.doc.visibilityState === "visible") this.acquire();
    };
    doc.addEventListener("visibilitychange", this.onVisibility);
  }

  show(text) {
    if (!this.notice) return;
    this.notice.textContent = text || "";
    this.notice.hidden = !text;
  }

  async acquire() {
    this.wanted = true;
    if (!this.nav.wakeLock) {
      this.show(NOTICES.unsupported);
      return "unsupported";
    }
    if (this.lock && !this.lock.released) return "held";
    try {
      this.lock = await this.nav.wakeLock.request("screen");
      this.lock.addEventListener?.("release", () => {
        this.lock = null;
      });
      this.show("");
      return "held";
    } catch {
      this.lock = null;
      this.show(NOTICES.refused);
      return "refused";
    }
  }

  release() {
    this.wanted = false;
    if (this.lock) this.lock.release().catch(() => {});
    this.lock = null;
  }
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

/** Lock-screen and headphone buttons: play/pause pause and resume, "next" moves on. */
export function mediaButtons(nav, { pause, resume, next }) {
  const session = nav.mediaSession;
  if (!session) return () => {};
  const handlers = { play: resume, pause, nexttrack: next };
  for (const [action, fn] of Object.entries(handlers)) {
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
