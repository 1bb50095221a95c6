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

// Languages whose numbers are written in Latin digits ("0"-"9"), as Intl writes them by default. A whole number
// under 1000 has no grouping or decimal mark, so in these it is its plain digits: no Intl.NumberFormat is made
// for the player's first lines (making the first one loads the locale's data: 70 ms on a slow phone).
// A language not listed here (Arabic, Persian, Bengali...) always goes through Intl.
const LATIN_DIGITS = new Set(["en", "es", "de", "th"]);

function formatNumber(value) {
  if (Number.isInteger(value) && Math.abs(value) < 1000 && LATIN_DIGITS.has(lang.split("-")[0].toLowerCase())) {
    return String(value);
  }
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
