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
    var open = trend.in_progress || [];
    // The open period (its reports still coming in) is drawn lighter: the segment into it
    // dashed and pale, its point hollow, its label "(in progress)"; never read as a fall.
    function line(label, values, colour, width, dash, pointStyle, radius) {
      return {
        label: label,
        data: values,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: width,
        borderDash: dash,
        pointStyle: pointStyle,
        pointRadius: radius,
        pointBackgroundColor: open.map(function (inProgress) {
          return inProgress ? "#ffffff" : colour;
        }),
        segment: {
          borderColor: function (ctx) {
            return open[ctx.p1DataIndex] ? colour + "80" : undefined;
          },
          borderDash: function (ctx) {
            return open[ctx.p1DataIndex] ? [3, 5] : undefined;
          },
        },
      };
    }
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          line(data.text.progress, trend.progress, "#0b4f8a", 3, [], "circle", 4),
          line(data.text.coverage, trend.coverage, "#5a6673", 2, [6, 4], "rect", 4),
          line(data.text.updated, trend.updated, "#8a4b08", 2, [2, 3], "triangle", 5),
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
    // Latin American Spanish writes 63,152,181.5 (mirps/numbers.py): es-419, not Spain's es
    var lang = document.documentElement.lang || "es";
    var locale = lang === "es" ? "es-419" : lang;
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
