// The product page's live pitch preview (catalog admin, "What Alexa says"): while the owner
// types, rebuilds the sentence Alexa says in each locale, its words and its seconds at the
// speaking rate the page passes (data-rate-wpm), and what is missing in a language.
// It mirrors skill/speech/pitch.py, which stays the rule: saving checks it on the server.
// Loaded as a file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";

  function start() {
    const root = document.getElementById("pitch-preview");
    if (!root) return;
    const form = root.closest("form") || document;
    const rate = Number(root.dataset.rateWpm);
    const limit = Number(root.dataset.limitSeconds);
    const defaultLocale = root.dataset.defaultLocale;

    const input = (name) => form.querySelector(`[name="${name}"]`);
    const value = (name) => {
      const field = input(name);
      return field ? field.value.trim() : "";
    };

    // The translations as the inline below the form holds them now: locale -> texts.
    function translations() {
      const found = {};
      for (const select of form.querySelectorAll('select[name^="localizations-"][name$="-locale"]')) {
        const prefix = select.name.slice(0, -"locale".length);
        const removed = input(`${prefix}DELETE`);
        if (prefix.includes("__prefix__") || !select.value || (removed && removed.checked)) continue;
        found[select.value] = {
          name: value(`${prefix}spoken_name`),
          description: value(`${prefix}spoken_description`),
        };
      }
      return found;
    }

    // The price in words, from the spoken shape of each kind of amount (none, one, many).
    function priceWords(shapes, saved) {
      const typed = value("price").replace(",", ".");
      if (!/^\d+(\.\d*)?$/.test(typed)) return saved;
      const cents = Math.round(Number(typed) * 100);
      const whole = Math.floor(cents / 100);
      const minor = cents % 100;
      const kind = (n) => (n === 0 ? "0" : n === 1 ? "1" : "n");
      const shape = shapes[kind(whole) + kind(minor)];
      return shape === undefined ? saved : shape.replace("{whole}", whole).replace("{minor}", minor);
    }

    function update() {
      const own = { name: value("spoken_name") || value("name"), description: value("spoken_description") };
      const found = translations();
      for (const row of root.querySelectorAll(".pitch[data-locale]")) {
        const locale = row.dataset.locale;
        const translation = locale === defaultLocale ? undefined : found[locale];
        const parts = {
          name: (translation && translation.name) || own.name,
          description: ((translation && translation.description) || own.description).replace(/\.+$/, ""),
          price: priceWords(JSON.parse(row.dataset.money), row.dataset.price),
        };
        const template = parts.description ? row.dataset.template : row.dataset.templateShort;
        const words = template
          .replace(/\{(name|description|price)\}/g, (_, key) => parts[key])
          .split(/\s+/)
          .filter(Boolean);
        const seconds = Math.round((words.length * 600) / rate) / 10;
        const fits = seconds <= limit;
        row.querySelector(".pitch-text").textContent = `${words.join(" ")} ${row.dataset.question}`;
        row.querySelector(".pitch-numbers").textContent =
          `${words.length} words, about ${seconds.toFixed(1)} s at ${rate} words a minute: ` +
          (fits ? "fits in one breath." : "too long for one breath: shorten the spoken description.");
        row.classList.toggle("fits", fits);
        row.classList.toggle("too-long", !fits);
        const missing = row.querySelector(".pitch-missing");
        if (missing && row.dataset.translated === "1") {
          let text = "";
          if (!translation) text = row.dataset.missingAll;
          else if (!translation.description && own.description) text = row.dataset.missingDescription;
          missing.textContent = text;
          missing.hidden = !text;
        }
      }
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    document.addEventListener("formset:added", update);
    document.addEventListener("formset:removed", update);
    // A page sent back with errors shows what was typed, translations included: follow it.
    if (document.querySelector(".errornote")) update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
