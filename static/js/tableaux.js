// Dashboards: draw every plotly figure of the page from its JSON block (json_script), so
// that no inline script is needed (Content-Security-Policy: script-src 'self').
// Each chart's data is also in a table on the page: without JavaScript nothing is lost.
(function () {
  "use strict";

  function dessiner() {
    if (!window.Plotly) return;
    // The layout template common to every figure is sent once (see rapports.tableaux).
    var gabarit = document.getElementById("gabarit-plotly");
    gabarit = gabarit ? JSON.parse(gabarit.textContent) : null;
    document.querySelectorAll("[data-figure]").forEach(function (zone) {
      var bloc = document.getElementById(zone.getAttribute("data-figure"));
      if (!bloc) return;
      var figure = JSON.parse(bloc.textContent);
      var config = figure.config || {};
      if (gabarit && !figure.layout.template) figure.layout.template = gabarit;
      window.Plotly.newPlot(zone, figure.data, figure.layout, config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", dessiner);
  } else {
    dessiner();
  }
})();
