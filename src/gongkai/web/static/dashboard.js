// 概览: the charts of the dashboard, drawn with the ECharts shipped in the package
// (/static/echarts.min.js) from the JSON the page carries in <script type="application/json">.
// Every figure is computed on the server; this file only draws it. Text from the data goes into
// ECharts as plain strings (its canvas renderer draws text, never HTML), and tooltips are
// formatted by functions that escape.
"use strict";
(function () {
  const dataNode = document.getElementById("dash-data");
  if (!dataNode || typeof echarts === "undefined") return;
  const data = JSON.parse(dataNode.textContent);
  const labels = JSON.parse(document.getElementById("dash-labels")?.textContent || "{}");
  const indicators = Object.fromEntries(data.indicators.map((i) => [i.key, i]));
  const charts = [];

  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const percent = (value) => (value == null ? null : Math.round(value * 10000) / 100);
  const shown = (value, unit) => (value == null ? "—" : `${value.toLocaleString("zh-CN")}${unit || ""}`);
  const tooltip = (unitOf) => ({
    trigger: "axis",
    formatter(params) {
      const list = Array.isArray(params) ? params : [params];
      if (!list.length) return "";
      const head = escape(list[0].axisValueLabel ?? list[0].name);
      const lines = list.map((p) => `${p.marker}${escape(p.seriesName)}：${escape(shown(p.value, unitOf(p.seriesName)))}`);
      return [head, ...lines].join("<br>");
    },
  });

  function chart(id, option) {
    const element = document.getElementById(id);
    if (!element) return;
    const made = echarts.init(element, null, { renderer: "canvas" });
    made.setOption({ animation: false, textStyle: { fontFamily: "inherit" }, ...option });
    charts.push(made);
  }

  // 各年度：本年新收申请（柱）与公开率（线）
  const years = data.by_year.filter((row) => row.key != null);
  const yearNames = years.map((row) => row.label);
  const received = indicators.received;
  const disclosure = indicators.disclosure_rate;
  chart("chart-years", {
    title: { text: `${received.name}与${disclosure.name}`, left: "center", textStyle: { fontSize: 14 } },
    tooltip: tooltip((name) => (name === disclosure.name ? "%" : " 件")),
    legend: { bottom: 0 },
    grid: { left: 60, right: 60, top: 40, bottom: 50 },
    xAxis: { type: "category", data: yearNames },
    yAxis: [
      { type: "value", name: "件", minInterval: 1 },
      { type: "value", name: "%", min: 0, max: 100 },
    ],
    series: [
      { name: received.name, type: "bar", data: years.map((row) => row.values.received.value), itemStyle: { color: "#2457a6" } },
      { name: disclosure.name, type: "line", yAxisIndex: 1, data: years.map((row) => percent(row.values.disclosure_rate.value)), itemStyle: { color: "#b3261e" }, connectNulls: false },
    ],
  });

  // 各年度比率指标（%）
  const ratios = data.indicators.filter((i) => i.kind === "ratio");
  chart("chart-rates", {
    title: { text: "各年度比率指标（%）", left: "center", textStyle: { fontSize: 14 } },
    tooltip: tooltip(() => "%"),
    legend: { bottom: 0, type: "scroll" },
    grid: { left: 50, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: yearNames },
    yAxis: { type: "value", name: "%", min: 0 },
    series: ratios.map((i) => ({ name: i.name, type: "line", data: years.map((row) => percent(row.values[i.key].value)), connectNulls: false })),
  });

  // 按地区：公开率（柱）与本年新收申请（线），报告数最多的地区（服务器只给出前30个）
  const regions = data.by_region;
  chart("chart-regions", {
    title: { text: `各地区${disclosure.name}与${received.name}${regions.length < data.regions_total ? `（报告数最多的${regions.length}个地区）` : ""}`, left: "center", textStyle: { fontSize: 14 } },
    tooltip: tooltip((name) => (name === disclosure.name ? "%" : " 件")),
    legend: { bottom: 0 },
    grid: { left: 60, right: 60, top: 40, bottom: 90 },
    xAxis: { type: "category", data: regions.map((row) => row.label), axisLabel: { rotate: 30, interval: 0 } },
    yAxis: [
      { type: "value", name: "%", min: 0, max: 100 },
      { type: "value", name: "件", minInterval: 1 },
    ],
    series: [
      { name: disclosure.name, type: "bar", data: regions.map((row) => percent(row.values.disclosure_rate.value)), itemStyle: { color: "#b3261e" } },
      { name: received.name, type: "line", yAxisIndex: 1, data: regions.map((row) => row.values.received.value), itemStyle: { color: "#2457a6" } },
    ],
  });

  // 按规则统计的问题（横向柱状，按级别着色）
  const severityColors = { error: "#b3261e", warning: "#a15c00", info: "#2457a6" };
  const rules = data.findings_by_rule.slice().reverse();
  const rulesElement = document.getElementById("chart-rules");
  if (rulesElement) rulesElement.style.height = `${Math.max(160, 40 + rules.length * 28)}px`;
  chart("chart-rules", {
    tooltip: tooltip(() => " 条"),
    grid: { left: 260, right: 40, top: 10, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: rules.map((r) => `${r.code} ${r.title}`), axisLabel: { width: 240, overflow: "truncate" } },
    series: [{
      name: "问题条数",
      type: "bar",
      data: rules.map((r) => ({ value: r.findings, itemStyle: { color: severityColors[r.severity] || "#5b6b7d" } })),
    }],
  });

  // 审核状态
  const statusNames = labels.statuses || {};
  const statusColors = { pending: "#5b6b7d", needs_fix: "#b3261e", passed: "#1e7b34" };
  chart("chart-statuses", {
    tooltip: {
      trigger: "item",
      formatter: (p) => `${p.marker}${escape(p.name)}：${escape(shown(p.value, " 份"))}（${p.percent}%）`,
    },
    legend: { bottom: 0 },
    series: [{
      name: "审核状态",
      type: "pie",
      radius: ["35%", "65%"],
      data: Object.entries(data.counts.statuses).filter(([, value]) => value > 0).map(([key, value]) => ({ name: statusNames[key] || key, value, itemStyle: { color: statusColors[key] } })),
    }],
  });

  charts.forEach((c) => c.resize());
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
