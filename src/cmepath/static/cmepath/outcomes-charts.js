// cmepath outcomes: draw the Plotly figures whose JSON the page carries in
// <script type="application/json" id="outcome-charts"> (no inline script; CSP script-src 'self').
(function () {
  function draw() {
    var holder = document.getElementById("outcome-charts");
    if (!holder || typeof Plotly === "undefined") { return; }
    var figures = JSON.parse(holder.textContent || "{}");
    Object.keys(figures).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var fig = figures[id];
      Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
