// Job page: poll the JSON API for the job's status and update the page in place until the job
// completes or fails; then show the results and draw the charts.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (!job) { return; }
  var POLL_MS = 2000;
  var TERMINAL = ["COMPLETED", "FAILED"];

  function formatTime(epoch) {
    if (!epoch) { return "—"; }
    return new Date(epoch * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  }

  function show(status, data) {
    var badge = document.getElementById("job-status");
    badge.textContent = status;
    badge.className = "badge status-" + status.toLowerCase();
    var progress = document.getElementById("job-progress");
    progress.hidden = status !== "RUNNING";
    progress.textContent = (data.progress || 0).toLocaleString("en-US") + " variants annotated";
    document.getElementById("job-end-label").textContent = status === "FAILED" ? "Failed" : "Completed";
    document.getElementById("job-complete-time").textContent = formatTime(data.complete_time);
    if (status === "FAILED") {
      document.getElementById("failure-reason").textContent = data.failure_reason || "";
      document.getElementById("failure").hidden = false;
    }
    if (status === "COMPLETED") {
      document.getElementById("results").hidden = false;
      fetch(job.dataset.summaryUrl, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (summary) { if (summary) { window.gasCharts.draw(summary); } });
    }
  }

  function poll() {
    fetch(job.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (data) {
        if (data.status !== job.dataset.status || data.status === "RUNNING") {
          job.dataset.status = data.status;
          show(data.status, data);
        }
        if (TERMINAL.indexOf(data.status) < 0) { window.setTimeout(poll, POLL_MS); }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 5); });  // back off, keep trying
  }

  var embedded = document.getElementById("summary-data");
  if (embedded) { window.gasCharts.draw(JSON.parse(embedded.textContent)); }
  if (TERMINAL.indexOf(job.dataset.status) < 0) { window.setTimeout(poll, POLL_MS); }
})();
