// Filters the coworking list by what spaces offer. The list is complete without this script; the
// filter form is hidden in the HTML and shown only when the script runs.
(function () {
  "use strict";
  function setup() {
    var form = document.querySelector(".ts-filter");
    if (!form) return;
    var spaces = Array.prototype.slice.call(document.querySelectorAll(".ts-space"));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".ts-group"));
    var count = form.querySelector(".ts-filter__count");
    function apply() {
      var wanted = Array.prototype.slice.call(form.querySelectorAll("input:checked"))
        .map(function (input) { return input.value; });
      var shown = 0;
      spaces.forEach(function (space) {
        var offers = (space.getAttribute("data-offers") || "").split(" ");
        var match = wanted.every(function (w) { return offers.indexOf(w) !== -1; });
        space.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".ts-space:not([hidden])");
      });
      count.textContent = count.getAttribute("data-template")
        .replace("{shown}", shown).replace("{total}", spaces.length);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
