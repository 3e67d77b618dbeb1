// The publish page (templates/voicelab/publish/): while a publish is queued or running the
// page polls its JSON progress, shows each step as it is recorded, and reloads at the end.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var status = document.getElementById("publish-status");
  var url = status && status.getAttribute("data-progress-url");
  if (!url) { return; }
  var state = document.getElementById("publish-state");
  var list = document.getElementById("publish-steps");

  function show(publish) {
    if (state) { state.textContent = publish.status_label; }
    if (!list) { return; }
    list.textContent = "";
    publish.steps.forEach(function (step) {
      var item = document.createElement("li");
      var css = step.status === "succeeded" ? "passed" : step.status;
      item.className = "check " + css;
      item.setAttribute("data-step", step.name);
      var head = document.createElement("div");
      var badge = document.createElement("span");
      badge.className = "badge " + css;
      badge.textContent = step.status;
      var title = document.createElement("strong");
      title.textContent = " " + step.title;
      head.appendChild(badge);
      head.appendChild(title);
      var detail = document.createElement("p");
      detail.textContent = step.detail;
      item.appendChild(head);
      item.appendChild(detail);
      list.appendChild(item);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (publish) {
        if (publish) { show(publish); }
        if (publish && !publish.active) { window.location.reload(); return; }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 2); });
  }
  poll();
})();
