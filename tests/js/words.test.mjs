// The player's words in the page's language (issue 11): translations from the island, English otherwise,
// numbers through Intl; the browser's voice asked for the page's language.
import assert from "node:assert/strict";
import { test } from "node:test";

import { language, setWords, t } from "../../src/softspot/web/static/softspot/words.js";
import { confirmText, readinessText } from "../../src/softspot/web/static/softspot/display.js";
import { CuePlayer, voiceFor } from "../../src/softspot/web/static/softspot/audio.js";

test("English needs no table and comes out as written", () => {
  setWords({}, "en");
  assert.equal(language(), "en");
  assert.equal(confirmText(4.2), "5 s left");
  assert.equal(readinessText({ done: 3, total: 12, failed: 0, speech: true }), "Getting the voice ready: 3 of 12");
});

test("a translated sentence is used and filled in; an untranslated one stays English", () => {
  setWords({ "Getting the voice ready: {done} of {total}": "กำลังเตรียมเสียงพูด: {done} จาก {total}" }, "th");
  assert.equal(readinessText({ done: 3, total: 12, failed: 0, speech: true }), "กำลังเตรียมเสียงพูด: 3 จาก 12");
  assert.equal(confirmText(1), "1 s left");
  setWords({}, "en");
});

test("numbers are written the language's way", () => {
  setWords({ "{seconds} s left": "noch {seconds} s" }, "de");
  assert.equal(t("{seconds} s left", { seconds: 1234.5 }), "noch 1.234,5 s");
  setWords(null, "");
  assert.equal(language(), "en");
  assert.equal(t("{seconds} s left", { seconds: 1234.5 }), "1,234.5 s left");
});

test("a bad table or a missing value changes nothing else", () => {
  setWords("garbage", "xx-not-a-tag!!");
  assert.equal(t("Where you were: {where}.", {}), "Where you were: {where}.");
  assert.equal(t("{n} s", { n: 2 }), "2 s");
  setWords({}, "en");
});

test("the browser's voice for the page's language is asked for, its default first", () => {
  const voices = [
    { lang: "en-US", name: "English", default: true },
    { lang: "th-TH", name: "Kanya" },
    { lang: "th_TH", name: "Thai default", default: true },
  ];
  const synth = { getVoices: () => voices };
  assert.equal(voiceFor(synth, "th").name, "Thai default");
  assert.equal(voiceFor(synth, "de"), null);
  assert.equal(voiceFor({ getVoices: () => { throw new Error("no"); } }, "th"), null);
});

test("speech is spoken in the page's language", () => {
  const spoken = [];
  const saved = { synth: globalThis.speechSynthesis, Utterance: globalThis.SpeechSynthesisUtterance };
  globalThis.speechSynthesis = { getVoices: () => [{ lang: "es-ES", name: "Mónica" }], speak: (u) => spoken.push(u), cancel() {} };
  globalThis.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
  try {
    new CuePlayer({ lang: "es" }).speak("Quédese aquí.");
    new CuePlayer({}).speak("Stay here.");
  } finally {
    globalThis.speechSynthesis = saved.synth;
    globalThis.SpeechSynthesisUtterance = saved.Utterance;
  }
  assert.equal(spoken[0].lang, "es");
  assert.equal(spoken[0].voice.name, "Mónica");
  assert.equal(spoken[1].lang, undefined);
});

test("small whole numbers come out as Intl writes them, without making a formatter", () => {
  for (const language of ["en", "es", "de", "th", "th-TH", "de-DE"]) {
    setWords({}, language);
    const intl = new Intl.NumberFormat(language);
    for (const n of [0, 1, 7, 12, 23, 999, -5]) assert.equal(t("{n}", { n }), intl.format(n), `${language} ${n}`);
    assert.equal(t("{n}", { n: 1234 }), intl.format(1234), language); // grouped the language's way
    assert.equal(t("{n}", { n: 2.5 }), intl.format(2.5), language); // its decimal mark
  }
  setWords({}, "ar-EG");
  assert.equal(t("{n}", { n: 12 }), new Intl.NumberFormat("ar-EG").format(12)); // not Latin digits: Intl
});
