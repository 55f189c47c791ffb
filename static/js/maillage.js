// Small behaviours of the pages, with no inline script (Content-Security-Policy friendly).
(function () {
  "use strict";
  document.addEventListener("click", function (evenement) {
    if (evenement.target.closest("[data-imprimer]")) {
      window.print();
    }
  });
  // Show the point d'accueil field only when the place is a point d'accueil.
  function majLieu(select) {
    var prefixe = select.id.replace(/lieu$/, "");
    var point = document.getElementById(prefixe + "point_accueil");
    if (!point) return;
    var bloc = point.closest(".champ");
    var visible = select.value === "point_accueil";
    if (bloc) bloc.hidden = !visible;
  }
  document.querySelectorAll("select[id$='lieu']").forEach(function (select) {
    majLieu(select);
    select.addEventListener("change", function () { majLieu(select); });
  });
})();
