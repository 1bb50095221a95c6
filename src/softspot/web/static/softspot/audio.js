// Cue sound: a chime before each move, then the server-rendered speech clip,
// played with Web Audio; speechSynthesis speaks when a clip is missing.
// Every clip is fetched and decoded before the session starts (prepare(), no
// tap needed), so the network may go away mid-session without a silent cue.
// Nothing plays before unlock(), which must run inside the first tap.

const CHIME_GAP = 0.15; // seconds of silence between the chime and the words
export const CHIME = "\u0000chime";

function decoder() {
  const Offline = globalThis.OfflineAudioContext || globalThis.webkitOfflineAudioContext;
  if (!Offline) return null;
  try {
    return new Offline(1, 1, 44100); // decodes without a tap; the buffers play in any context
  } catch {
    return null;
  }
}

/** decodeAudioData as a promise, also where it only takes callbacks (older Safari). */
function decode(ctx, data) {
  return new Promise((resolve, reject) => {
    const promise = ctx.decodeAudioData(data, resolve, reject);
    if (promise && typeof promise.then === "function") promise.then(resolve, reject);
  });
}

/**
 * The browser's voice for a language: one whose tag is the language itself or a region of it ("th",
 * "th-TH"), the browser's default among them first; null when it has none (voices can load late).
 */
export function voiceFor(synth, lang) {
  const base = String(lang).toLowerCase().split("-")[0];
  let voices = [];
  try {
    voices = (synth && typeof synth.getVoices === "function" && synth.getVoices()) || [];
  } catch {
    return null;
  }
  const speaks = voices.filter((v) => v && typeof v.lang === "string" && v.lang.toLowerCase().replace("_", "-").split("-")[0] === base);
  return speaks.find((v) => v.default) || speaks.find((v) => v.localService) || speaks[0] || null;
}

export class CuePlayer {
  constructor({
    cueUrls = {},
    chimeUrl = null,
    fetchImpl = globalThis.fetch?.bind(globalThis),
    decodeWith = null,
    lang = "",
  } = {}) {
    this.cueUrls = cueUrls;
    // The page's language (BCP 47): the browser's own voice is asked for one that speaks it.
    this.lang = lang;
    this.chimeUrl = chimeUrl;
    this.fetch = fetchImpl;
    this.decodeWith = decodeWith;
    this.ctx = null;
    this.buffers = new Map();
    this.sources = [];
    this.muted = false;
    this.failed = false;
    this.loading = null;
    const total = Object.keys(cueUrls).length + (chimeUrl ? 1 : 0);
    this.progress = { done: 0, total, failed: 0, speech: Boolean(globalThis.speechSynthesis) };
  }

  get unlocked() {
    return this.ctx !== null;
  }

  get ready() {
    return this.progress.done >= this.progress.total;
  }

  /**
   * Fetch and decode every clip now (no tap needed); `onProgress(progress)` after each one.
   * Resolves to the progress: {done, total, failed, speech}. Runs once.
   */
  prepare(onProgress = () => {}) {
    if (!this.loading) this.loading = this.loadAll(onProgress);
    return this.loading;
  }

  /** Call from the first tap: opens the audio output (and loads the clips if prepare() was not called). */
  unlock() {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!this.ctx && Ctx) {
      try {
        this.ctx = new Ctx();
        const silent = this.ctx.createBuffer(1, 1, 22050); // iOS wants a sound inside the gesture
        const src = this.ctx.createBufferSource();
        src.buffer = silent;
        src.connect(this.ctx.destination);
        src.start();
      } catch {
        this.ctx = null;
      }
    }
    if (this.ctx && this.ctx.state === "suspended") this.ctx.resume().catch(() => {});
    if (globalThis.speechSynthesis) globalThis.speechSynthesis.getVoices(); // voices load late: ask early
    return this.prepare();
  }

  async loadAll(onProgress) {
    const ctx = this.decodeWith || decoder();
    const jobs = Object.entries(this.cueUrls);
    if (this.chimeUrl) jobs.push([CHIME, this.chimeUrl]);
    onProgress({ ...this.progress });
    // Two at a time: a burst of decodes finishing together kept the page's main thread busy for long.
    const next = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        try {
          await this.load(ctx, job[0], job[1]);
        } catch {
          this.progress.failed += 1;
        }
        this.progress.done += 1;
        onProgress({ ...this.progress });
      }
    };
    await Promise.all([next(), next()]);
    return { ...this.progress };
  }

  async load(ctx, name, url) {
    if (!ctx || !this.fetch) throw new Error("this browser cannot decode audio");
    const response = await this.fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const data = await response.arrayBuffer();
    this.buffers.set(name, await decode(ctx, data));
  }

  /**
   * Play the cues one event made, in order: the newest event cuts off anything still sounding.
   * Sound is never allowed to stop the session: a failure is logged once and the cue stays on screen.
   * Returns how each cue was voiced: [{say, how: "clip" | "speech" | "none"}].
   */
  play(cues) {
    try {
      return this.playNow(cues);
    } catch (error) {
      if (!this.failed) console.warn("softspot: a cue could not be played; carrying on with text", error);
      this.failed = true;
      return cues.map((c) => ({ say: c.say, how: "none" }));
    }
  }

  playNow(cues) {
    if (!cues.length) return [];
    if (this.muted || (!this.ctx && !globalThis.speechSynthesis)) return cues.map((c) => ({ say: c.say, how: "none" }));
    this.cancel();
    const ctx = this.ctx;
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {});
    let at = ctx ? ctx.currentTime + 0.01 : 0;
    const spoken = [];
    const voiced = [];
    if (cues.some((c) => c.chime)) at = this.chime(at);
    for (const cue of cues) {
      const clip = this.buffers.get(cue.say);
      if (ctx && clip) {
        this.startBuffer(clip, at, 1, cue.say);
        at += clip.duration + 0.1;
        voiced.push({ say: cue.say, how: "clip" });
      } else {
        spoken.push(cue.say);
        voiced.push({ say: cue.say, how: globalThis.speechSynthesis ? "speech" : "none" });
      }
    }
    if (spoken.length) this.speak(spoken.join(" "));
    return voiced;
  }

  chime(at) {
    const ctx = this.ctx;
    if (!ctx) return at;
    const clip = this.buffers.get(CHIME);
    if (clip) {
      this.startBuffer(clip, at, 0.8);
      return at + clip.duration + CHIME_GAP;
    }
    // No clip: two soft sine tones.
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const t = at + i * 0.18;
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.5);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.55);
      this.track(osc, CHIME);
    }
    return at + 0.7 + CHIME_GAP;
  }

  startBuffer(buffer, at, volume, say = CHIME) {
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    const gain = this.ctx.createGain();
    gain.gain.value = volume;
    src.connect(gain).connect(this.ctx.destination);
    src.start(at);
    this.track(src, say);
  }

  /** Keep a started sound, so cancel() can cut it off; it leaves the list when it has played. */
  track(src, say) {
    src.say = say;
    src.onended = () => {
      this.sources = this.sources.filter((s) => s !== src);
    };
    this.sources.push(src);
  }

  /** What is sounding or due to sound now: the cue texts (CHIME for the chime), for the Stop test. */
  get sounding() {
    const now = this.sources.map((s) => s.say);
    const synth = globalThis.speechSynthesis;
    if (synth && (synth.speaking || synth.pending)) now.push("(speech)");
    return now;
  }

  speak(text) {
    const synth = globalThis.speechSynthesis;
    const Utterance = globalThis.SpeechSynthesisUtterance;
    if (!synth || !Utterance) return;
    const utterance = new Utterance(text);
    utterance.rate = 0.95;
    if (this.lang) {
      utterance.lang = this.lang;
      const voice = voiceFor(synth, this.lang);
      if (voice) utterance.voice = voice;
    }
    synth.speak(utterance);
  }

  /** Silence at once: every clip and chime cut off, queued speech dropped (Stop, and each new event). */
  cancel() {
    for (const src of this.sources) {
      src.onended = null;
      try {
        src.stop();
      } catch {
        /* already stopped */
      }
    }
    this.sources = [];
    if (globalThis.speechSynthesis) globalThis.speechSynthesis.cancel();
  }
}

/**
 * A very quiet, slowly swelling brown noise as a looping WAV (made here, never
 * downloaded). Played by an <audio> element it keeps the page audible, so the
 * browser does not throttle its timers, and gives the lock screen a media
 * session whose buttons the player answers.
 */
export function softNoiseWav(seconds = 4, rate = 8000, amplitude = 0.02, random = Math.random) {
  const n = seconds * rate;
  const bytes = new DataView(new ArrayBuffer(44 + n * 2));
  const text = (at, s) => [...s].forEach((ch, i) => bytes.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF");
  bytes.setUint32(4, 36 + n * 2, true);
  text(8, "WAVEfmt ");
  bytes.setUint32(16, 16, true);
  bytes.setUint16(20, 1, true); // PCM
  bytes.setUint16(22, 1, true); // mono
  bytes.setUint32(24, rate, true);
  bytes.setUint32(28, rate * 2, true);
  bytes.setUint16(32, 2, true);
  bytes.setUint16(34, 16, true);
  text(36, "data");
  bytes.setUint32(40, n * 2, true);
  let last = 0;
  for (let i = 0; i < n; i += 1) {
    last = (last + 0.02 * (random() * 2 - 1)) / 1.02; // brown noise
    const swell = 0.6 + 0.4 * Math.sin((Math.PI * i) / n); // loops without a click
    bytes.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, last * 3.5 * swell)) * amplitude * 32767), true);
  }
  return bytes.buffer;
}
