// Upload page: name the S3 key after a safe version of the file name (the original travels as
// metadata, shown as the job's name) and refuse a file that is too large before sending it (the
// server checks the size again when the job is created).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var input = document.getElementById("file");
  var problem = document.getElementById("file-problem");
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var MAX_NAME_CHARS = 100;  // as gas.keys.safe_file_name
  var MAX_META_CHARS = 1024;

  function safeName(name) {
    var base = name.replace(/\\/g, "/").split("/").pop();
    var cleaned = base.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "");
    cleaned = cleaned.slice(-MAX_NAME_CHARS);
    return cleaned || "input.vcf";
  }

  function formatBytes(n) {
    return n.toLocaleString("en-US") + " bytes";
  }

  function whyRefused(file) {
    if (!file) { return "Choose a VCF file to annotate."; }
    if (file.size === 0) { return "This file is empty."; }
    if (file.size > maxBytes) {
      return "This file is " + formatBytes(file.size) + "; the " + form.dataset.plan +
        " plan accepts files up to " + formatBytes(maxBytes) + "." +
        (form.dataset.plan === "Free" ? " Upgrade to Premium to annotate larger files." : "");
    }
    return "";
  }

  function check() {
    var reason = whyRefused(input.files[0]);
    problem.textContent = reason;
    input.classList.toggle("is-invalid", reason !== "");
    input.setAttribute("aria-invalid", reason !== "" ? "true" : "false");
    return reason === "";
  }

  input.addEventListener("change", check);
  form.addEventListener("submit", function (event) {
    if (!check()) {
      event.preventDefault();
      input.focus();
      return;
    }
    form.elements.key.value = form.dataset.keyHead + safeName(input.files[0].name);
    // The name as the user gave it, kept as display text (percent-encoded: S3 metadata is ASCII).
    // S3 keeps at most 2 KB of metadata: a longer name falls back to the key's safe name.
    var encoded = encodeURIComponent(input.files[0].name);
    form.elements["x-amz-meta-display-name"].value = encoded.length <= MAX_META_CHARS ? encoded : "";
    document.getElementById("upload-button").disabled = true;
  });
})();
