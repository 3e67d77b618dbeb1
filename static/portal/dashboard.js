/* The owner's dashboard: draws each <canvas data-chart="ID"> from the JSON the page passed
   in <script type="application/json" id="ID"> (Django's json_script), with Chart.js 4.4.9
   (static/vendor/chart.umd.min.js: the release's dist/chart.umd.js, MIT, see
   chart.js.LICENSE.md). No inline script, so the Content Security Policy holds. The table
   under every chart has the same numbers, so the page reads without JavaScript too. */
(function () {
  "use strict";

  var PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6",
                 "#f97316", "#64748b", "#ec4899", "#84cc16"];

  function datasets(spec, type) {
    return spec.series.map(function (series, index) {
      var color = PALETTE[index % PALETTE.length];
      var dataset = {
        label: series.label,
        data: series.data,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        pointRadius: spec.labels.length > 31 ? 0 : 2,
      };
      if (type === "doughnut") {
        dataset.backgroundColor = spec.labels.map(function (_, i) {
          return PALETTE[i % PALETTE.length];
        });
        dataset.borderColor = "#fff";
      }
      if (series.type) { dataset.type = series.type; }
      if (series.axis) { dataset.yAxisID = series.axis; }
      return dataset;
    });
  }

  function options(spec, type) {
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    };
    if (type === "doughnut") { return result; }
    // Counts are whole numbers: no 0.5 tick on an axis of orders or sessions.
    if (spec.type === "hbar") {
      result.indexAxis = "y";
      result.scales = { x: { beginAtZero: true, ticks: { precision: 0 } } };
      return result;
    }
    result.scales = {
      x: { ticks: { maxRotation: 0, autoSkip: true } },
      y: { beginAtZero: true, ticks: spec.money_axis === "y" ? {} : { precision: 0 } },
    };
    var rightAxis = spec.series.some(function (series) { return series.axis === "y1"; });
    if (rightAxis) {
      result.scales.y1 = {
        beginAtZero: true,
        position: "right",
        grid: { drawOnChartArea: false },
        ticks: { precision: 0 },
      };
    }
    return result;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var type = spec.type === "hbar" ? "bar" : spec.type;
    new window.Chart(canvas, {
      type: type,
      data: { labels: spec.labels, datasets: datasets(spec, type) },
      options: options(spec, type),
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
