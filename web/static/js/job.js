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

  // As web.templating.duration_left: the largest whole unit, rounded up below ten of it.
  function durationLeft(seconds) {
    var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      var size = units[i][1];
      if (seconds >= size) {
        var count = seconds < 10 * size ? Math.ceil(seconds / size) : Math.round(seconds / size);
        return count + " " + units[i][0] + (count !== 1 ? "s" : "");
      }
    }
    return seconds + " second" + (seconds !== 1 ? "s" : "");
  }

  function show(status, data) {
    var badge = document.getElementById("job-status");
    badge.textContent = status;
    badge.className = "badge status-" + status.toLowerCase();
    var progress = document.getElementById("job-progress");
    progress.hidden = status !== "RUNNING";
    progress.textContent = (data.progress || 0).toLocaleString("en-US") +
      (data.estimated_records ? " of about " + data.estimated_records.toLocaleString("en-US") : "") +
      " variants annotated";
    var eta = document.getElementById("job-eta");
    eta.hidden = status !== "RUNNING" || data.seconds_left === null || data.seconds_left === undefined;
    if (!eta.hidden) { eta.textContent = "about " + durationLeft(data.seconds_left) + " left"; }
    var queue = document.getElementById("job-queue");
    if (queue && status !== "PENDING") { queue.hidden = true; }
    if (queue && data.queue) {
      var ahead = data.queue.all_ahead;
      queue.textContent = ahead ? ahead + " job" + (ahead !== 1 ? "s" : "") + " submitted earlier " +
        (ahead !== 1 ? "are" : "is") + " waiting ahead of this one (" + data.queue.yours_ahead +
        " of them yours)" : "Next in the queue";
    }
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

  var polls = 0;
  var QUEUE_EVERY = 5;  // the queue position costs a table scan: ask every 5th poll only

  function poll() {
    polls += 1;
    var url = job.dataset.statusUrl +
      (job.dataset.status === "PENDING" && polls % QUEUE_EVERY === 0 ? "?queue=true" : "");
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (data) {
        if (data.status !== job.dataset.status || data.status === "RUNNING" || data.queue) {
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
