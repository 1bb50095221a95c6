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
