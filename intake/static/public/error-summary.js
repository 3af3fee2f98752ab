/* The error summary (GOV.UK's pattern): focus moves to it when the page loads, so a screen reader
 * reads it and the keyboard starts there; its links move focus to their field and bring the field's
 * label or legend into view with it (the browser alone would scroll the label off the top). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    var group = field.closest("fieldset");
    var caption = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
    event.preventDefault();
    (caption || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
