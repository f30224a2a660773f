// Consign charts: draws every <div data-chart="<id of a json_script>"> with ECharts (static/vendor/echarts).
// The config is plain data (reports/charts.py Chart.config):
//   {type: "bar"|"line"|"pie", theme: "default"|"macarons"|…, stack: bool, horizontal: bool,
//    categories: [label, …], urls: [url or "", …],
//    series: [{name, data: [number, …], color?}, …]}
// A chart follows its container's size (ResizeObserver), and a click on a bar, slice or point opens the
// URL of its category: the documents behind the figure.
(function () {
  "use strict";

  function cartesian(cfg) {
    var category = {type: "category", data: cfg.categories, axisLabel: {hideOverlap: true}};
    var value = {type: "value"};
    return {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true},
      legend: {show: cfg.series.length > 1, top: 0},
      grid: {left: 8, right: 16, top: cfg.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true},
      xAxis: cfg.horizontal ? value : category,
      yAxis: cfg.horizontal ? category : value,
      series: cfg.series.map(function (s) {
        var out = {name: s.name, type: cfg.type, data: s.data, stack: cfg.stack ? "total" : undefined,
                   emphasis: {focus: "series"}, cursor: "pointer"};
        if (s.color) { out.itemStyle = {color: s.color}; }
        return out;
      }),
    };
  }

  function pie(cfg) {
    var first = cfg.series[0] || {name: "", data: []};
    return {
      tooltip: {trigger: "item", confine: true},
      legend: {type: "scroll", bottom: 0},
      series: [{
        name: first.name, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        data: cfg.categories.map(function (label, i) { return {name: label, value: first.data[i]}; }),
        label: {show: cfg.categories.length <= 8}, cursor: "pointer",
      }],
    };
  }

  function optionFor(cfg) {
    var option = cfg.type === "pie" ? pie(cfg) : cartesian(cfg);
    option.animation = false;  // figures appear at once; also keeps screenshots and tests deterministic
    return option;
  }

  function draw(el) {
    if (!window.echarts) { return null; }
    var source = document.getElementById(el.dataset.chart);
    if (!source) { return null; }
    if (el.dataset.drawn) { return window.echarts.getInstanceByDom(el); }  // htmx:load also fires for the page
    el.dataset.drawn = "1";
    var cfg = JSON.parse(source.textContent);
    var theme = cfg.theme && cfg.theme !== "default" ? cfg.theme : null;
    var chart = window.echarts.init(el, theme);
    chart.setOption(optionFor(cfg));
    chart.on("click", function (params) {
      var url = (cfg.urls || [])[params.dataIndex];
      if (url) { window.location.assign(url); }
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    }
    return chart;
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  window.ConsignCharts = {draw: draw, optionFor: optionFor};
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
