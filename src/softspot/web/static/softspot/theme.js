// The light/dark switch. The page follows the system (prefers-color-scheme) until a
// choice is made here; the choice is remembered in localStorage and in a cookie, from
// which the server writes <html data-theme> into every page, so it is right from the
// first paint without an inline script (the CSP allows none).

const KEY = "softspot:theme";
const root = document.documentElement;
const system = window.matchMedia("(prefers-color-scheme: light)");

function stored() {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null;
  }
}

function remember(theme) {
  try {
    window.localStorage.setItem(KEY, theme);
  } catch {
    /* the cookie still carries it */
  }
  document.cookie = `softspot-theme=${theme}; path=/; max-age=31536000; samesite=lax`;
}

export function current() {
  return root.dataset.theme || (system.matches ? "light" : "dark");
}

function show() {
  const light = current() === "light";
  for (const button of document.querySelectorAll("[data-theme-switch]")) {
    button.setAttribute("aria-pressed", String(light));
  }
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.content = light ? "#f7f8fa" : "#101318";
}

function choose(theme) {
  root.dataset.theme = theme;
  remember(theme);
  show();
}

// A choice kept here but not in the cookie (cleared, or another path): apply it and mend the cookie.
const kept = stored();
if (kept && root.dataset.theme !== kept) choose(kept);
for (const button of document.querySelectorAll("[data-theme-switch]")) {
  button.hidden = false;
  button.addEventListener("click", () => choose(current() === "light" ? "dark" : "light"));
}
system.addEventListener?.("change", show);
show();
