// Draws the report's charts with plotly.js (served from the app's static files). The
// figures come from a JSON block written by the page: no inline script.
(function () {
  "use strict";
  function dessiner() {
    var bloc = document.getElementById("graphiques-rapport");
    if (!bloc || typeof Plotly === "undefined") return;
    JSON.parse(bloc.textContent).forEach(function (g) {
      var el = document.getElementById("g-" + g.id);
      if (!el) return;
      var layout = Object.assign({}, g.figure.layout || {}, { autosize: true });
      Plotly.newPlot(el, g.figure.data, layout, {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["lasso2d", "select2d"],
        toImageButtonOptions: { format: "svg", filename: g.id }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", dessiner);
  } else {
    dessiner();
  }
})();
