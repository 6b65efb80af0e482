// --interactive: draw each chart from its JSON over its static SVG (kept for print and for readers without script).
document.querySelectorAll("[data-live]").forEach(function (holder) {
  var source = document.getElementById("live-" + holder.dataset.live);
  if (!source || !window.Plotly) { return; }
  var figure = JSON.parse(source.textContent);
  var live = document.createElement("div");
  live.className = "live-chart";
  holder.appendChild(live);
  Plotly.newPlot(live, figure.data, figure.layout, {responsive: true, displaylogo: false}).then(function () {
    holder.classList.add("is-live");
  });
});
