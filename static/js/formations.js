// Training screens: small behaviours, no inline script (Content-Security-Policy friendly).
(function () {
  "use strict";
  // "tout cocher" above a day of the attendance grid: tick the whole column, or untick it
  // when every box is already ticked.
  document.addEventListener("click", function (evenement) {
    var bouton = evenement.target.closest("[data-cocher-colonne]");
    if (!bouton) return;
    var colonne = bouton.getAttribute("data-cocher-colonne");
    var cases = Array.prototype.filter.call(
      document.querySelectorAll("input[type=checkbox][data-colonne]"),
      function (c) { return c.getAttribute("data-colonne") === colonne && !c.disabled; }
    );
    var toutes = cases.every(function (c) { return c.checked; });
    cases.forEach(function (c) { c.checked = !toutes; });
  });
})();
