// The set-up page is for one receiver at a time: choosing someone else shows their page (their thigh, first
// leg, suggestion and add-ons), so nobody is planned with another's numbers. Without this script, posting the
// form with someone else chosen does the same on the server.
const form = document.getElementById("setup-form");
if (form) {
  const shownFor = form.dataset.shownFor;
  for (const radio of form.querySelectorAll('input[name="receiver"]')) {
    radio.addEventListener("change", () => {
      if (radio.checked && radio.value !== shownFor) {
        const url = new URL(window.location.href);
        url.searchParams.set("receiver", radio.value);
        window.location.assign(url.toString());
      }
    });
  }
  const name = document.getElementById("id_new_name");
  if (name && shownFor === "new" && new URL(window.location.href).searchParams.get("receiver") === "new") {
    name.focus();
  }
}
