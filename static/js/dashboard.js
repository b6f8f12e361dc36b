/* Charts of the public pages (Chart.js, served from our own static files) and the copy button.
 *
 * The figures come from a <script type="application/json" id="chart-data"> element written by
 * the server (json_script: data, never executed); nothing here computes a figure. Every chart
 * has a text or table alternative in the page, and every colour a number and a label.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentElement.querySelector(".copy-status");
        var done = function () {
          if (status) status.textContent = button.getAttribute("data-copied") || "";
        };
        source.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(source.value).then(done, function () {
            document.execCommand("copy");
            done();
          });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }

  function distributionChart(canvas, data, locale) {
    var dist = data.distribution;
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: dist.labels,
        datasets: data.levels.map(function (level) {
          return {
            label: level.label,
            data: dist.counts[level.key],
            backgroundColor: level.colour,
            borderColor: "#ffffff",
            borderWidth: 1,
          };
        }),
      },
      options: {
        locale: locale,
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, title: { display: true, text: data.text.commitments } },
          y: { stacked: true },
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } },
      },
    });
  }

  function trendChart(canvas, data, locale) {
    var trend = data.trend;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          {
            label: data.text.progress,
            data: trend.progress,
            borderColor: "#0b4f8a",
            backgroundColor: "#0b4f8a",
            borderWidth: 3,
            pointStyle: "circle",
            pointRadius: 4,
          },
          {
            label: data.text.coverage,
            data: trend.coverage,
            borderColor: "#5a6673",
            backgroundColor: "#5a6673",
            borderWidth: 2,
            borderDash: [6, 4],
            pointStyle: "rect",
            pointRadius: 4,
          },
          {
            label: data.text.updated,
            data: trend.updated,
            borderColor: "#8a4b08",
            backgroundColor: "#8a4b08",
            borderWidth: 2,
            borderDash: [2, 3],
            pointStyle: "triangle",
            pointRadius: 5,
          },
        ],
      },
      options: {
        locale: locale,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      },
    });
  }

  function setUpCharts() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var locale = document.documentElement.lang || "es";
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#1d2733";
    var dist = document.getElementById("chart-distribution");
    if (dist) distributionChart(dist, data, locale);
    var trend = document.getElementById("chart-trend");
    if (trend) trendChart(trend, data, locale);
    document.documentElement.setAttribute("data-charts", "ready");
  }

  ready(function () {
    setUpCopyButtons();
    setUpCharts();
  });
})();
