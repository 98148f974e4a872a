/* caseapp charts: every [data-chart] element is drawn with the vendored Apache ECharts from the JSON in its
   attribute (the same numbers are in the table beside it). SVG output, tooltips drawn by ECharts itself (no HTML,
   so the Content-Security-Policy's ban on inline styles holds), redrawn at paper width for printing. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var INK = "#1f2933", MUTED = "#616e7c", LINE = "#d9e2ec";
  var PALETTE = ["#b4232c", "#1c5d99", "#2f9e44", "#e8a317", "#7048e8", "#0c8599", "#c2255c", "#5c940d"];
  var money = function (v) { return v == null ? "—" : "¥" + Number(v).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}); };
  var base = function () {
    return {color: PALETTE, textStyle: {fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif", color: INK},
      animation: false, grid: {left: 70, right: 24, top: 40, bottom: 40, containLabel: true},
      tooltip: {trigger: "axis", renderMode: "richText", confine: true}, legend: {top: 4}};
  };
  var yuanAxis = {type: "value", axisLabel: {formatter: function (v) { return v >= 10000 ? (v / 10000) + "万" : v; }},
    splitLine: {lineStyle: {color: LINE}}};
  var build = {
    execution: function (d) {
      var o = base();
      o.tooltip.valueFormatter = money;
      o.xAxis = {type: "category", data: d.months};
      o.yAxis = yuanAxis;
      o.series = [
        {name: "实际累计支出", type: "bar", data: d.paid, barMaxWidth: 28},
        {name: "计划累计支出", type: "line", data: d.planned, symbolSize: 6, lineStyle: {type: "dashed", width: 2}},
        {name: "预算数", type: "line", data: d.months.map(function () { return d.budget; }), symbol: "none",
          lineStyle: {color: MUTED, width: 1}, itemStyle: {color: MUTED}}];
      return o;
    },
    stacked: function (d) {
      var o = base();
      o.tooltip.valueFormatter = money;
      o.xAxis = {type: "category", data: d.months};
      o.yAxis = yuanAxis;
      o.series = d.series.map(function (s) { return {name: s.name, type: "bar", stack: "all", data: s.data, barMaxWidth: 32}; });
      return o;
    },
    pie: function (d) {
      var o = base();
      o.tooltip = {trigger: "item", renderMode: "richText", valueFormatter: money};
      o.series = [{type: "pie", radius: ["35%", "65%"], data: d.data,
        label: {formatter: function (p) { return p.name + "\n" + money(p.value) + "（" + p.percent + "%）"; }}}];
      return o;
    },
    progress: function (d) {
      var o = base();
      o.legend = {show: false};
      o.grid.left = 16;
      o.tooltip.valueFormatter = function (v) { return v + "%"; };
      o.xAxis = {type: "value", max: function (v) { return Math.max(120, Math.ceil(v.max / 10) * 10); },
        axisLabel: {formatter: "{value}%"}, splitLine: {lineStyle: {color: LINE}}};
      o.yAxis = {type: "category", data: d.names, inverse: true, axisLabel: {width: 260, overflow: "truncate"}};
      o.series = [{name: "完成进度", type: "bar", data: d.values.map(function (v) {
        return {value: v, itemStyle: {color: v >= 100 ? "#2f9e44" : (v >= 60 ? "#e8a317" : "#e03131")}};
      }), label: {show: true, position: "right", formatter: "{c}%"},
        markLine: {symbol: "none", silent: true, data: [{xAxis: 100}], lineStyle: {color: INK, type: "solid"},
          label: {formatter: "目标", position: "end"}}}];
      return o;
    },
    timeline: function (d) {
      var o = base();
      o.legend = {show: false};
      o.tooltip = {trigger: "item", renderMode: "richText", formatter: function (p) { return p.data.label; }};
      var lanes = [];
      d.events.forEach(function (e) { if (lanes.indexOf(e.project) < 0) { lanes.push(e.project); } });
      o.grid.left = 16;
      o.xAxis = {type: "time", axisLabel: {formatter: "{M}月"}, splitLine: {show: true, lineStyle: {color: LINE}}};
      o.yAxis = {type: "category", data: lanes, axisLabel: {width: 180, overflow: "truncate"}};
      var today = new Date().toISOString().slice(0, 10);
      o.series = [{type: "scatter", symbolSize: 12, data: d.events.map(function (e) {
        return {value: [e.date, e.project], label: e.date + " " + e.name,
          itemStyle: {color: e.date < today ? "#adb5bd" : "#b4232c"}};
      }), markLine: {symbol: "none", silent: true, data: [{xAxis: today}], lineStyle: {color: INK},
        label: {formatter: "今天", position: "end"}}}];
      return o;
    }
  };
  var charts = [];
  function draw(element) {
    var data = JSON.parse(element.dataset.chart);
    var maker = build[data.kind];
    if (!maker) { return; }
    var chart = window.echarts.init(element, null, {renderer: "svg", locale: "ZH"});
    chart.setOption(maker(data));
    charts.push(chart);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  /* paper is narrower than the screen: draw at the printed width, then back */
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize({width: 640}); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
}());
