// Charts of a job's summary JSON with the vendored Chart.js: region classes, dbSNP share and
// variants per chromosome. Also fills the summary sentence when the job finished in the page.
window.gasCharts = (function () {
  "use strict";
  var PALETTE = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#ffc107",
                 "#6c757d", "#d63384", "#0dcaf0"];
  // One colour per class name, the same on every job's page (never by position in a chart).
  var CLASS_COLOURS = {
    CDS: "#dc3545", "5_UTR": "#fd7e14", "3_UTR": "#ffc107", noncoding_exon: "#d63384",
    intron: "#0d6efd", promoter: "#6f42c1", intergenic: "#6c757d", exon: "#198754",
    HIGH: "#dc3545", MODERATE: "#fd7e14", LOW: "#ffc107", MODIFIER: "#6c757d"
  };
  var EXTRA = ["#20c997", "#0dcaf0", "#6610f2", "#adb5bd", "#198754", "#e685b5", "#8c564b",
               "#17becf", "#bcbd22", "#7f7f7f"];
  var charts = {};

  // A class outside the table gets a colour from its name's hash: stable across jobs too.
  function colourOf(name) {
    if (Object.prototype.hasOwnProperty.call(CLASS_COLOURS, name)) { return CLASS_COLOURS[name]; }
    var hash = 0;
    for (var i = 0; i < name.length; i++) { hash = (hash * 31 + name.charCodeAt(i)) >>> 0; }
    return EXTRA[hash % EXTRA.length];
  }

  function chromosomeOrder(a, b) {
    var rank = function (c) {
      var name = c.replace(/^chr/i, "");
      if (/^\d+$/.test(name)) { return [0, parseInt(name, 10)]; }
      return [1, {X: 0, Y: 1, M: 2, MT: 2}[name.toUpperCase()] ?? 3];
    };
    var ra = rank(a), rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || a.localeCompare(b);
  }

  function replace(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = new Chart(canvas, config);
  }

  function fillText(summary) {
    var text = document.getElementById("summary-text");
    if (text && !text.textContent.trim()) {
      text.textContent = (summary.total_variants || 0).toLocaleString("en-US") + " variants, " +
        (summary.in_dbsnp || 0).toLocaleString("en-US") + " (" + (summary.in_dbsnp_pct || 0) +
        "%) found in dbSNP.";
    }
    var list = document.getElementById("summary-warnings");
    if (list && !list.children.length) {
      (summary.warnings || []).forEach(function (warning) {
        var item = document.createElement("li");
        item.textContent = warning;  // text, never HTML
        list.appendChild(item);
      });
    }
  }

  function draw(summary) {
    fillText(summary);
    var regions = summary.region_classes || {};
    var regionNames = Object.keys(regions).sort(function (a, b) { return regions[b] - regions[a]; });
    replace("chart-regions", {
      type: "doughnut",
      data: {labels: regionNames, datasets: [{data: regionNames.map(function (k) { return regions[k]; }),
        backgroundColor: regionNames.map(colourOf)}]},
      options: {plugins: {legend: {position: "bottom"}}}
    });
    var found = summary.in_dbsnp || 0, total = summary.total_variants || 0;
    replace("chart-dbsnp", {
      type: "pie",
      data: {labels: ["In dbSNP", "Not in dbSNP"],
        datasets: [{data: [found, Math.max(total - found, 0)], backgroundColor: [PALETTE[1], PALETTE[7]]}]},
      options: {plugins: {legend: {position: "bottom"}}}
    });
    var chroms = summary.chromosomes || {};
    var names = Object.keys(chroms).sort(chromosomeOrder);
    replace("chart-chromosomes", {
      type: "bar",
      data: {labels: names, datasets: [{label: "Variants", data: names.map(function (k) { return chroms[k]; }),
        backgroundColor: PALETTE[0]}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true}}}
    });
    var consequences = summary.consequences || {};
    var terms = Object.keys(consequences);  // most severe first, as the summary lists them
    var box = document.getElementById("consequence-chart");
    if (box) { box.hidden = terms.length === 0; }
    replace("chart-consequences", {
      type: "bar",
      data: {labels: terms, datasets: [{label: "Variants", data: terms.map(function (k) { return consequences[k]; }),
        backgroundColor: terms.map(colourOf)}]},
      options: {indexAxis: "y", plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true}}}
    });
    document.getElementById("charts").dataset.drawn = "true";
  }

  return {draw: draw, colourOf: colourOf};
})();
