// Draws the posture trend from the JSON the page embeds with json_script (never inline data).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trend-data");
    var canvas = document.getElementById("trend-chart");
    if (!source || !canvas || !window.Chart) { return; }
    var trend = JSON.parse(source.textContent);
    var css = getComputedStyle(document.documentElement);
    function colour(name) { return css.getPropertyValue(name).trim(); }
    function sum(a, b) {
      return a.map(function (value, i) { return value === null ? null : value + (b[i] || 0); });
    }
    function series(label, data, name) {
      return {
        label: label, data: data, borderColor: colour(name), backgroundColor: colour(name),
        pointRadius: trend.labels.length > 60 ? 0 : 2, borderWidth: 2, spanGaps: false, tension: 0.2
      };
    }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          series("Passing", trend.passing, "--pass"),
          series("Excepted", trend.excepted, "--excepted"),
          series("Incomplete", trend.incomplete, "--incomplete"),
          series("Evidence overdue or expired", sum(trend.evidence_overdue, trend.evidence_expired), "--evidence_expired"),
          series("Failing", trend.failing, "--fail")
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxTicksLimit: 8, autoSkip: true } },
          y: { beginAtZero: true, title: { display: true, text: "controls" } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
