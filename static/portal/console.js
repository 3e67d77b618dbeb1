// The voice test console: sends each turn to the portal and shows what Alexa answered.
// Loaded as a file (no inline script) under the Content Security Policy.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const turnUrl = $("console").dataset.turnUrl;
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const transcript = $("transcript");

  function fillLocales() {
    const option = $("store").selectedOptions[0];
    const locales = option ? option.dataset.locales.split(",") : [];
    $("locale").innerHTML = "";
    for (const loc of locales) {
      const o = document.createElement("option");
      o.value = o.textContent = loc;
      $("locale").appendChild(o);
    }
  }
  $("store").addEventListener("change", fillLocales);
  fillLocales();

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function details(summary, data) {
    const d = el("details");
    d.appendChild(el("summary", "", summary));
    d.appendChild(el("pre", "", typeof data === "string" ? data : JSON.stringify(data, null, 2)));
    return d;
  }

  function speak(text, locale) {
    if (!$("speak").checked || !text || !("speechSynthesis" in window)) return;
    try {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = locale;
      window.speechSynthesis.speak(u);
    } catch (e) { /* the browser offers no voice */ }
  }

  function show(exchange) {
    const turn = el("div", "turn");
    turn.dataset.kind = exchange.kind;
    if (exchange.kind === "amazon_pay") {
      const pay = exchange.amazon_pay || {};
      const status = pay.status || {};
      turn.appendChild(el("div", "pay", `Amazon Pay sandbox → ${pay.name}: ${status.code} ${status.message || ""}`));
      turn.appendChild(details("Connections.Response payload", pay.payload || {}));
    } else {
      turn.appendChild(el("div", "shopper", `Shopper: ${exchange.said}`));
      const u = exchange.understood;
      if (u) {
        const slots = Object.entries(u.slots || {}).map(([k, v]) => `${k}=${v.value}${v.id ? " → id " + v.id : ""}`).join(", ");
        turn.appendChild(el("div", "understood", `${u.request_type === "LaunchRequest" ? "LaunchRequest" : u.intent}${slots ? " (" + slots + ")" : ""}${u.sample ? " · sample “" + u.sample + "”" : ""}`));
      } else {
        turn.appendChild(el("div", "understood", exchange.request_type));
      }
    }
    const said = el("div", "alexa");
    said.appendChild(el("strong", "", "Alexa: "));
    said.appendChild(el("span", "speech", exchange.speech || "(no speech)"));
    turn.appendChild(said);
    if (exchange.reprompt) turn.appendChild(el("div", "reprompt", "Reprompt: " + exchange.reprompt));
    if (exchange.card) {
      const card = el("div", "card");
      card.appendChild(el("strong", "", `Card (${exchange.card.type}) ${exchange.card.title || ""}`));
      card.appendChild(el("div", "", exchange.card.content || exchange.card.text || (exchange.card.permissions || []).join(", ")));
      turn.appendChild(card);
    }
    if (exchange.ssml) turn.appendChild(details("SSML", exchange.ssml));
    if (exchange.directives && exchange.directives.length) {
      turn.appendChild(details(`Directives: ${exchange.directives.map((d) => d.type + (d.name ? " " + d.name : "")).join(", ")}`, exchange.directives));
    }
    turn.appendChild(details("Request envelope", exchange.request));
    turn.appendChild(details("Response envelope", exchange.response));
    transcript.appendChild(turn);
    transcript.scrollTop = transcript.scrollHeight;
    speak(exchange.speech, exchange.locale);
  }

  let busy = false;
  async function send(action, text) {
    if (busy) return;
    busy = true;
    $("status").textContent = "…";
    $("status").classList.remove("error");
    const body = {
      store: $("store").value, locale: $("locale").value, action: action, text: text || "",
      consent: $("consent").value, setup_outcome: $("setup_outcome").value,
      charge_outcome: $("charge_outcome").value,
    };
    try {
      const response = await fetch(turnUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify(body),
      });
      const data = await response.json();
      if (!response.ok) {
        $("status").textContent = [data.error || response.statusText, ...(data.errors || [])].join(" ");
        $("status").classList.add("error");
        return;
      }
      if (data.reset) transcript.innerHTML = "";
      for (const exchange of data.exchanges) show(exchange);
      $("status").textContent = data.reset ? "New shopper." : (data.session_open ? "Session open: Alexa is listening." : "Session closed.");
    } catch (e) {
      $("status").textContent = "The console could not reach the portal: " + e;
      $("status").classList.add("error");
    } finally {
      busy = false;
    }
  }

  $("send").addEventListener("click", () => {
    const text = $("utterance").value.trim();
    if (!text) return;
    $("utterance").value = "";
    send("text", text);
  });
  $("utterance").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); $("send").click(); } });
  for (const button of document.querySelectorAll("#buttons button")) {
    button.addEventListener("click", () => send(button.dataset.action));
  }
})();
