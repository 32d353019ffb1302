// Home dashboard charts (Apache ECharts), fed from the JSON the page embeds.
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var tagsEl = document.getElementById("chart-tags");
  if (tagsEl) {
    echarts.init(tagsEl).setOption({
      tooltip: {},
      grid: { left: 110, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.tags.map(function (t) { return t[0]; }), inverse: true },
      series: [{ type: "bar", data: data.tags.map(function (t) { return t[1]; }), itemStyle: { color: "#f76707" } }]
    });
  }
  var childEl = document.getElementById("chart-children");
  if (childEl) {
    var names = data.children.map(function (c) { return c.name; });
    echarts.init(childEl).setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 30, bottom: 60 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: data.labels.residents, type: "bar", data: data.children.map(function (c) { return c.residents; }) },
        { name: data.labels.households, type: "bar", data: data.children.map(function (c) { return c.households; }) },
        { name: data.labels.members, type: "bar", data: data.children.map(function (c) { return c.members; }), itemStyle: { color: "#d63939" } }
      ]
    });
  }
  window.addEventListener("resize", function () {
    [tagsEl, childEl].forEach(function (el) { if (el) echarts.getInstanceByDom(el).resize(); });
  });
});
