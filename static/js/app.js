// Small progressive enhancements; the pages work without JavaScript.
(function () {
  "use strict";

  // Every text shown from here is translated in the base template (#js-messages), so the
  // catalogue holds it like any other; a name the template lacks reads as that name.
  function message(name) {
    var holder = document.getElementById("js-messages");
    return (holder && holder.getAttribute("data-" + name)) || name;
  }

  function sizeProgressBars(root) {
    root.querySelectorAll(".gate-progress").forEach(function (bar) {
      var done = Number(bar.dataset.done), total = Number(bar.dataset.total);
      bar.style.width = (total > 0 ? Math.round((100 * done) / total) : 100) + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { sizeProgressBars(document); });
  document.addEventListener("htmx:afterSettle", function () { sizeProgressBars(document); });

  // Show the server's validation response (HTTP 422) and its "wait a minute" (429, asking too
  // often) in place instead of discarding them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A saved file is on the server now: clear the picker, so a later save of the same item (its
  // justification, say) does not upload the same file again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form || form.tagName !== "FORM") { return; }
    form.querySelectorAll('input[type="file"]').forEach(function (input) { input.value = ""; });
  });

  // A failed request (network down, server error) must never look like a save.
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) {
      status.textContent = message("save-refused");
      status.className = "small save-status text-danger";
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) {
      status.textContent = message("save-offline");
      status.className = "small save-status text-danger";
    }
  });
})();
