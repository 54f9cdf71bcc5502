/* The supervision dashboard's charts (督查考核).  No inline script anywhere: the figures come
   in <script type="application/json"> blocks written by the server (colours included, the
   same as the PDF's), and this file draws them with the vendored Apache ECharts (SVG
   renderer, so the charts stay sharp when printed or zoomed).  A click on a bar or a point opens the records behind that figure.
   Every chart has a table of the same numbers next to it, so nothing here is needed to
   read the page. */
(function () {
  "use strict";

  var charts = [];

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function asPercent(metric, value) {
    return metric.percent ? value + "%" : String(value);
  }

  function rankingOption(data, key) {
    var metric = data.metrics.filter(function (m) { return m.key === key; })[0] || data.metrics[0];
    var order = [];
    for (var i = 0; i < data.departments.length; i++) {
      if (metric.values[i] !== null) { order.push(i); }
    }
    order.sort(function (a, b) {
      var d = metric.values[b] - metric.values[a];
      return metric.higherIsBetter ? d : -d;
    });
    // A category axis draws its first entry at the bottom: reverse, so the best is on top.
    order.reverse();
    return {
      animationDuration: 300,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { return p.data.name + "：" + asPercent(metric, p.value); } },
      xAxis: {
        type: "value",
        max: metric.percent ? 100 : null,
        minInterval: metric.percent ? 0 : 1,
        axisLabel: { formatter: metric.percent ? "{value}%" : "{value}" }
      },
      yAxis: { type: "category", data: order.map(function (j) { return data.departments[j]; }) },
      series: [{
        type: "bar",
        name: metric.label,
        barMaxWidth: 22,
        itemStyle: { color: metric.color },
        label: { show: true, position: "right", formatter: function (p) { return asPercent(metric, p.value); } },
        data: order.map(function (j) {
          return { value: metric.values[j], url: metric.urls[j], name: data.names[j] };
        })
      }]
    };
  }

  function trendOption(data) {
    return {
      animationDuration: 300,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return {
          name: s.label,
          type: s.type,
          stack: s.stack || undefined,
          barMaxWidth: 28,
          itemStyle: { color: s.color },
          lineStyle: { color: s.color },
          data: s.values.map(function (v, i) { return { value: v, url: s.urls[i] }; })
        };
      })
    };
  }

  function open(params) {
    if (params && params.data && params.data.url) { window.location.href = params.data.url; }
  }

  function draw(el) {
    var data = readJSON(el.getAttribute("data-source"));
    if (!data) { return; }
    var kind = el.getAttribute("data-chart");
    if (kind === "ranking") {
      // One bar per department: the chart grows with the county.
      el.style.height = Math.max(220, 30 * data.departments.length + 40) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.on("finished", function () { el.setAttribute("data-drawn", "true"); });
    chart.on("click", open);
    if (kind === "ranking") {
      var control = document.querySelector('[data-chart-control="' + el.id + '"]');
      chart.setOption(rankingOption(data, control ? control.value : "score"));
      if (control) {
        control.addEventListener("change", function () {
          chart.setOption(rankingOption(data, control.value), true);
        });
      }
    } else {
      chart.setOption(trendOption(data));
    }
    charts.push(chart);
  }

  function start() {
    if (!window.echarts) { return; } // the tables next to the charts carry the figures
    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
