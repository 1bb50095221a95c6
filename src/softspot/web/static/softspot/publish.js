// The publish page: a problem's FILE:LINE:COLUMN link selects that line in the text (the column is in the message).
const text = document.querySelector("#publish-form textarea");

function offsetOf(value, line, column) {
  let at = 0;
  for (let n = 1; n < line; n += 1) {
    const next = value.indexOf("\n", at);
    if (next < 0) return value.length;
    at = next + 1;
  }
  return Math.min(at + Math.max(column - 1, 0), value.length);
}

if (text) {
  for (const link of document.querySelectorAll("a[data-line]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const line = Number(link.dataset.line);
      const start = offsetOf(text.value, line, 1);
      const end = text.value.indexOf("\n", start);
      text.focus();
      text.setSelectionRange(start, end < 0 ? text.value.length : end);
      const lineHeight = text.scrollHeight / Math.max(text.value.split("\n").length, 1);
      text.scrollTop = Math.max((line - 3) * lineHeight, 0);
      const row = document.getElementById(`L${line}`);
      if (row) {
        for (const shown of document.querySelectorAll(".listing li.shown")) shown.classList.remove("shown");
        row.classList.add("shown");
        const box = row.closest(".listing-wrap");
        if (box) box.scrollTop = row.offsetTop - box.clientHeight / 3;
      }
    });
  }
}
