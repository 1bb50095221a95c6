// The player's own words in the page's language (issue 11). The page's JSON island carries, for its one
// language, each English sentence's translation (softspot.web.words: the django catalog), so only that
// language is ever loaded. `t("Getting the voice ready: {done} of {total}", {done, total})` gives the
// translation, or the English when there is none, with the values filled in: numbers through Intl, in
// the page's language.

let table = {};
let lang = "en";
let numbers = null;

/** The page's words (English sentence -> translation) and its language (a BCP 47 tag). */
export function setWords(words, language) {
  table = words && typeof words === "object" ? words : {};
  lang = typeof language === "string" && language ? language : "en";
  numbers = null;
}

/** The page's language, as set by `setWords` ("en" until then). */
export function language() {
  return lang;
}

function formatNumber(value) {
  if (!numbers) {
    try {
      numbers = new Intl.NumberFormat(lang);
    } catch {
      numbers = new Intl.NumberFormat("en");
    }
  }
  return numbers.format(value);
}

/** `text` in the page's language, `{name}` filled in from `values` (numbers written the language's way). */
export function t(text, values) {
  const found = Object.prototype.hasOwnProperty.call(table, text) ? table[text] : "";
  const template = typeof found === "string" && found ? found : text;
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) return whole;
    const value = values[name];
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
}
