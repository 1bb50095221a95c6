// Cue sound must never stop a session: a speech engine that throws is logged and ignored.
import { test } from "node:test";
import assert from "node:assert/strict";

import { CuePlayer } from "../../src/softspot/web/static/softspot/audio.js";

test("a throwing speech engine does not stop the cue player or the caller", () => {
  const spoken = [];
  globalThis.speechSynthesis = {
    speak() {
      throw new TypeError("parameter 1 is not of type 'SpeechSynthesisUtterance'");
    },
    cancel() {},
    getVoices() {
      return [];
    },
  };
  globalThis.SpeechSynthesisUtterance = function Utterance(text) {
    spoken.push(text);
  };
  const warn = console.warn;
  const warnings = [];
  console.warn = (...args) => warnings.push(args);
  try {
    const player = new CuePlayer();
    assert.doesNotThrow(() => player.play([{ say: "Sit here", chime: false }]));
    assert.doesNotThrow(() => player.play([{ say: "Lift and move", chime: false }]));
    assert.deepEqual(spoken, ["Sit here", "Lift and move"]);
    assert.equal(warnings.length, 1, "the failure is reported once");
  } finally {
    console.warn = warn;
    delete globalThis.speechSynthesis;
    delete globalThis.SpeechSynthesisUtterance;
  }
});

test("every clip is fetched and decoded before the tap, counting as it goes; a failed one is counted and spoken", async () => {
  const fetched = [];
  const fetchImpl = async (url) => {
    fetched.push(url);
    if (url === "/cue/bad.wav") return { ok: false, status: 503 };
    return { ok: true, arrayBuffer: async () => new ArrayBuffer(8) };
  };
  const decodeWith = { decodeAudioData: async () => ({ duration: 0.5 }) };
  const player = new CuePlayer({
    cueUrls: { "Sit here.": "/cue/a.wav", "Lift and move.": "/cue/b.wav", "Paused.": "/cue/bad.wav" },
    chimeUrl: "/chime.wav",
    fetchImpl,
    decodeWith,
  });
  const seen = [];
  const done = await player.prepare((p) => seen.push(`${p.done}/${p.total}`));
  assert.deepEqual(seen, ["0/4", "1/4", "2/4", "3/4", "4/4"]);
  assert.deepEqual({ done: done.done, total: done.total, failed: done.failed }, { done: 4, total: 4, failed: 1 });
  assert.equal(player.prepare(), player.prepare(), "it runs once");
  await player.prepare();
  assert.equal(fetched.length, 4);
  assert.equal(player.ready, true);

  // Played: clips where they were decoded, the phone's own voice for the one that failed.
  const spoken = [];
  globalThis.speechSynthesis = { speak: (u) => spoken.push(u.text), cancel() {}, getVoices: () => [] };
  globalThis.SpeechSynthesisUtterance = function Utterance(text) {
    this.text = text;
  };
  const started = [];
  player.ctx = {
    state: "running",
    currentTime: 0,
    destination: {},
    createBufferSource: () => ({ connect: (g) => g, start: () => started.push("clip"), stop() {} }),
    createGain: () => ({ gain: {}, connect: (d) => d }),
  };
  try {
    const voiced = player.play([
      { say: "Sit here.", chime: false },
      { say: "Paused.", chime: false },
    ]);
    assert.deepEqual(voiced, [
      { say: "Sit here.", how: "clip" },
      { say: "Paused.", how: "speech" },
    ]);
    assert.deepEqual(spoken, ["Paused."]);
    assert.deepEqual(started, ["clip"]);
  } finally {
    delete globalThis.speechSynthesis;
    delete globalThis.SpeechSynthesisUtterance;
  }
});

test("Stop silences at once: every clip and chime is cut off and queued speech is dropped", () => {
  let cancelled = 0;
  globalThis.speechSynthesis = { speak() {}, cancel: () => (cancelled += 1), getVoices: () => [], speaking: false, pending: false };
  globalThis.SpeechSynthesisUtterance = function Utterance(text) {
    this.text = text;
  };
  const stopped = [];
  const source = (name) => ({ connect: (g) => g, start() {}, stop: () => stopped.push(name) });
  const player = new CuePlayer();
  player.buffers.set("Receiver: firm pressure is fine.", { duration: 5 });
  player.buffers.set("\u0000chime", { duration: 0.4 });
  let made = 0;
  player.ctx = {
    state: "running",
    currentTime: 0,
    destination: {},
    createBufferSource: () => source(`source ${(made += 1)}`),
    createGain: () => ({ gain: {}, connect: (d) => d }),
  };
  try {
    player.play([{ say: "Receiver: firm pressure is fine.", chime: true }]);
    assert.deepEqual(player.sounding, ["\u0000chime", "Receiver: firm pressure is fine."]);
    player.sources[0].onended(); // the chime has played: it leaves the list
    assert.deepEqual(player.sounding, ["Receiver: firm pressure is fine."]);
    const before = cancelled;
    player.cancel();
    assert.deepEqual(player.sounding, []);
    assert.deepEqual(stopped, ["source 2"]);
    assert.equal(cancelled, before + 1, "speech is cancelled too");
    globalThis.speechSynthesis.speaking = true;
    assert.deepEqual(player.sounding, ["(speech)"], "the phone's own voice counts as sounding");
  } finally {
    delete globalThis.speechSynthesis;
    delete globalThis.SpeechSynthesisUtterance;
  }
});
