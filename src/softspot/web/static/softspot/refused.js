// A record the server refused (outbox.js keeps it): what the person is told and can do. Loaded by the player
// only when there is one, so the page stays light.

import { t } from "./words.js";
/**
 * What the person is told about a refused record: a sentence, the server's messages one per line, and
 * what to do. `refused` is {status, errors: [{field, message}]}.
 */
export function refusalText(refused) {
  const status = refused.status;
  const lines = refused.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  let why;
  let todo;
  if (status === 403) {
    why = t("The server refused this record: this phone is not signed in, or its sign-in has expired.");
    todo = t("It stays on this phone. Sign in again (with a new link from the computer), then press Try again.");
  } else if (status === 409) {
    why = t("The server refused this record: its key is already used by a record of another account.");
    todo = t("It stays on this phone. Save a copy, and give it to whoever runs softspot for you.");
  } else {
    why = t("The server refused this record (HTTP {status}): sending it again would not change the answer.", {
      status: String(status),
    });
    todo = t(
      "It stays on this phone and is not sent again by itself. Save a copy: on the computer, " +
        "`softspot import FILE` stores it and says what is wrong. Try again once softspot has been updated.",
    );
  }
  return { why, lines, todo };
}

/** Fill `list` with one box per refused record: why, the server's messages, what to do, a copy, Try again. */
export function renderRefused(list, items, retry) {
  for (const link of list.querySelectorAll("a[href^='blob:']")) URL.revokeObjectURL(link.href);
  const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
  list.replaceChildren(
    ...items.map((item) => {
      const { why, lines, todo } = refusalText(item.refused);
      const box = el("div", { className: "refused-item" });
      box.dataset.key = item.key;
      box.append(el("p", { textContent: why }));
      if (lines.length) box.append(el("ul", { className: "refused-fields" }));
      for (const line of lines) box.lastChild.append(el("li", { textContent: line }));
      box.append(el("p", { textContent: todo }));
      const copy = el("a", { className: "button", textContent: t("Save a copy"), download: `softspot-record-${item.key}.json` });
      copy.href = URL.createObjectURL(new Blob([JSON.stringify(item.body, null, 2)], { type: "application/json" }));
      const again = el("button", { type: "button", className: "button", textContent: t("Try again") });
      again.addEventListener("click", () => retry(item.key));
      box.append(copy, again);
      return box;
    }),
  );
}
