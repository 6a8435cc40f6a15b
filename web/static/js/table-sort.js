// Sortable preview table: each column header's button sorts the shown rows (ascending, then
// descending), with aria-sort telling screen readers the order.
(function () {
  "use strict";
  var table = document.getElementById("preview-table");
  if (!table) { return; }
  var IMPACT_RANK = {HIGH: 0, MODERATE: 1, LOW: 2, MODIFIER: 3};

  function chromRank(name) {
    var bare = name.replace(/^chr/i, "");
    if (/^\d+$/.test(bare)) { return parseInt(bare, 10); }
    return 100 + ({X: 0, Y: 1, M: 2, MT: 2}[bare.toUpperCase()] ?? 3);
  }

  function key(kind, text) {
    if (kind === "number") { var n = parseFloat(text); return isNaN(n) ? Infinity : n; }
    if (kind === "chrom") { return chromRank(text); }
    if (kind === "impact") { return IMPACT_RANK[text] ?? 4; }
    return text.toLowerCase();
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b));
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
        return {row: row, index: index, key: key(th.dataset.kind, row.cells[column].textContent.trim())};
      });
      rows.sort(function (x, y) {
        return (ascending ? 1 : -1) * compare(x.key, y.key) || x.index - y.index;
      });
      rows.forEach(function (item) { body.appendChild(item.row); });
    });
  });
})();
