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
    const sandbox = !!option && option.dataset.ispSandbox === "1";
    $("isp-on").hidden = !sandbox;
    $("isp-off").hidden = sandbox;
    $("isp-reset").hidden = !sandbox;
    // The store's own shopper accounts only; who the console plays at this store.
    for (const o of $("play-as").options) {
      const other = !!o.dataset.store && (!option || o.dataset.store !== option.value);
      o.hidden = o.disabled = other;
    }
    $("play-as").value = "";
    $("playing-as").textContent = option ? option.dataset.playingAs : "";
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
      // The outcome in words: a 200 answer may still be a declined charge.
      turn.appendChild(el("div", "pay", `Amazon Pay sandbox → ${pay.summary || `${pay.name}: ${status.code} ${status.message || ""}`}`));
      turn.appendChild(details("Connections.Response payload", pay.payload || {}));
    } else if (exchange.kind === "isp") {
      const isp = exchange.isp || {};
      const payload = isp.payload || {};
      turn.appendChild(el("div", "shopper", `Shopper in Amazon's dialogue: ${exchange.said}`));
      turn.appendChild(el("div", "pay", `ISP sandbox → ${isp.name} ${isp.product}: ${payload.purchaseResult || ""} (status ${(isp.status || {}).code || ""})`));
      turn.appendChild(details("Connections.Response payload", payload));
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
    const purchase = exchange.purchase;
    const said = el("div", "alexa");
    said.appendChild(el("strong", "", "Alexa: "));
    // An answer without speech that hands over to Amazon Pay says what it asks for instead.
    said.appendChild(el("span", "speech", exchange.speech || exchange.happened || (purchase ? purchase.summary : "(no speech)")));
    turn.appendChild(said);
    for (const order of exchange.orders || []) turn.appendChild(orderLink(order));
    if (purchase) turn.appendChild(purchaseChoice(purchase));
    if (exchange.reprompt) turn.appendChild(el("div", "reprompt", "Reprompt: " + exchange.reprompt));
    if (exchange.card) {
      const card = el("div", "card");
      card.appendChild(el("strong", "", `Card (${exchange.card.type}) ${exchange.card.title || ""}`));
      card.appendChild(el("div", "card-text", exchange.card.content || exchange.card.text || (exchange.card.permissions || []).join(", ")));
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
    speak(exchange.speech || (purchase ? purchase.message : ""), exchange.locale);
  }

  // The order a turn placed, with its page in the support console (when the user may see it).
  function orderLink(order) {
    const box = el("div", "order");
    box.appendChild(el("span", "", `Test order ${order.number} (${order.status}) `));
    if (order.url) {
      const link = el("a", "order-link", "open it in the support console");
      link.href = order.url;
      link.target = "_blank";
      link.rel = "noopener";
      box.appendChild(link);
    }
    return box;
  }

  // Amazon's purchase dialogue: the owner picks how it ends (ISP sandbox stores only).
  function purchaseChoice(purchase) {
    const box = el("div", "purchase");
    if (!purchase.playable) {
      box.appendChild(el("div", "refusal", purchase.refusal));
      return box;
    }
    box.appendChild(el("span", "", "Amazon's purchase dialogue (ISP sandbox) ends with: "));
    for (const choice of purchase.outcomes) {
      const button = el("button", "", choice.label);
      button.type = "button";
      button.dataset.outcome = choice.value;
      button.addEventListener("click", () => send("purchase", "", {outcome: choice.value}));
      box.appendChild(button);
    }
    return box;
  }

  function note(text) {
    transcript.appendChild(el("div", "note", text));
    transcript.scrollTop = transcript.scrollHeight;
  }

  let busy = false;
  async function send(action, text, extra) {
    if (busy) return;
    busy = true;
    $("status").textContent = "…";
    $("status").classList.remove("error");
    const body = {
      store: $("store").value, locale: $("locale").value, action: action, text: text || "",
      consent: $("consent").value, setup_outcome: $("setup_outcome").value,
      charge_outcome: $("charge_outcome").value, ...(extra || {}),
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
      if (data.reset) {
        transcript.innerHTML = "";
        $("playing-as").textContent = $("store").selectedOptions[0].dataset.playingAs = data.playing_as;
      }
      // Any answer ends the purchase dialogue that was waiting (chosen, reset or walked away).
      for (const button of transcript.querySelectorAll(".purchase button")) button.disabled = true;
      for (const exchange of data.exchanges) show(exchange);
      if (data.isp_reset) note(data.message);
      $("status").textContent = data.reset ? `Playing as ${data.playing_as}.`
        : data.isp_reset ? data.message
        : data.purchase_pending ? "Amazon's purchase dialogue is waiting: choose how it ends."
        : (data.session_open ? "Session open: Alexa is listening." : "Session closed.");
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
    const extra = () => (button.dataset.action === "reset" ? {play_as: $("play-as").value} : {});
    button.addEventListener("click", () => send(button.dataset.action, "", extra()));
  }
  $("isp-reset").addEventListener("click", () => send("isp_reset"));
})();
