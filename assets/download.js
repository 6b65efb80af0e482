/* "Download this figure" as PNG and as SVG from every chart's toolbar, named "<project>-<chart>-<model>".
   Plotly's own camera button takes one format, and a toolbar button of one's own is a function, which Dash's JSON
   config cannot carry; so the two buttons are added here to each toolbar as plotly draws it (and again when it
   redraws one). The name: the project from the shell's data-project (layouts/shell.py), the chart and the model
   from the graph's config (toImageButtonOptions.filename, set by layouts/panes.graph), which also gives the PNG's
   resolution. The name is written on the graph as data-download-name, so it can be read without downloading. */
(function () {
  const FORMATS = [["png", "PNG"], ["svg", "SVG"]];

  function options(gd) {
    return (gd._context && gd._context.toImageButtonOptions) || {};
  }
  function downloadName(gd) {
    const root = document.querySelector("[data-project]");
    const project = root ? root.getAttribute("data-project") : "";
    return [project, options(gd).filename || "chart"].filter(Boolean).join("-");
  }
  function chartName(gd) {  // the chart's model and kind in words, for the buttons' names
    return (options(gd).filename || "chart").replace(/-/g, " ");
  }
  function download(gd, format) {
    const given = options(gd);
    window.Plotly.downloadImage(gd, {
      format: format,
      filename: downloadName(gd),
      scale: format === "png" ? given.scale || 2 : 1,
      width: given.width || gd._fullLayout.width,
      height: given.height || gd._fullLayout.height,
    });
  }
  function button(gd, format, label) {  // a button as plotly's own (type, aria-label, data-title for its tooltip)
    const control = document.createElement("button");
    control.type = "button";
    control.className = "modebar-btn download-btn download-" + format;
    control.setAttribute("aria-label", "Download this figure as " + label + " (" + chartName(gd) + ")");
    control.setAttribute("data-title", "Download as " + label);
    control.setAttribute("data-format", format);
    control.textContent = label;
    control.addEventListener("click", function (event) { event.preventDefault(); download(gd, format); });
    return control;
  }
  function patch() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      const bar = gd.querySelector(".modebar");
      if (!bar || !window.Plotly) { return; }
      const name = downloadName(gd);
      const graph = gd.closest(".dash-graph") || gd;
      if (graph.getAttribute("data-download-name") !== name) { graph.setAttribute("data-download-name", name); }
      if (bar.querySelector(".download-btn")) { return; }
      const group = document.createElement("div");
      group.className = "modebar-group download-group";
      FORMATS.forEach(function (pair) { group.appendChild(button(gd, pair[0], pair[1])); });
      bar.appendChild(group);
    });
  }
  let queued = false;
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; patch(); }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", patch);
})();
