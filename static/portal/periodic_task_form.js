// The periodic task form of the admin (django_celery_beat): the chosen crontab in words
// under its field, as the package's inline script did (the CSP runs no inline script).
(() => {
  const script = document.getElementById("periodic-task-overrides");
  const crontabs = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  if (!script || !crontabs) return;
  const readable = JSON.parse(crontabs.textContent);
  document.querySelectorAll(".field-crontab_translation").forEach((row) => {
    row.style.display = "none"; // shown on its own once chosen, as the package has it
  });
  if (!select || !help) return;
  const original = script.dataset.crontabHelp || "";
  select.addEventListener("change", () => {
    const words = readable[select.value];
    help.replaceChildren(original, document.createElement("br"), `Translation: ${words || ""}`);
  });
})();
