// The launch checklist (templates/voicelab/launch/): progress of a certification run.
// A page showing a queued or running run polls its JSON progress and reloads when it ends.
// Starting a run submits the form as usual; while that request is under way (with eager
// Celery the request plays the cases itself) the page polls the store's latest run.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var status = document.getElementById("run-status");
  var bar = document.getElementById("run-bar");
  var form = document.getElementById("start-run");

  function show(run) {
    if (!status || !run) { return; }
    var total = run.total || 0;
    var text = run.status_label + ": " + run.done + " of " + (total || "?") + " cases played";
    if (run.counts && (run.counts.passed || run.counts.failed)) {
      text += " (" + run.counts.passed + " passed, " + run.counts.failed + " failed)";
    }
    status.textContent = text + ".";
    if (bar) {
      bar.hidden = false;
      bar.max = Math.max(total, 1);
      bar.value = run.done;
    }
  }

  function poll(url, onEnd, startedAfter) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var run = data && data.run;
        var current = run && (!startedAfter || run.id > startedAfter);
        if (current) { show(run); }
        if (current && !run.active) { onEnd(run); return; }
        window.setTimeout(function () { poll(url, onEnd, startedAfter); }, POLL_MS);
      })
      .catch(function () {
        window.setTimeout(function () { poll(url, onEnd, startedAfter); }, POLL_MS * 2);
      });
  }

  if (status && status.dataset.progressUrl) {
    poll(status.dataset.progressUrl, function () { window.location.reload(); });
  }

  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("start-run-button");
      if (button) {
        // Disabled after the submit has been taken: a second click starts nothing.
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
      if (status) { status.textContent = "Starting the certification cases…"; }
      var previous = 0;
      var rows = document.querySelectorAll("#runs tbody tr a");
      if (rows.length) { previous = parseInt(rows[0].textContent, 10) || 0; }
      // The form's own request brings the run's page; until it does, show the progress.
      poll(form.dataset.latestUrl, function () {}, previous);
    });
  }
})();
