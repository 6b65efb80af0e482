/* A text alternative for every chart (WCAG 1.1.1): after each plotly redraw, the numbers the chart shows are
   written beside it in a collapsed "Numbers in this chart" section, and the chart points to it with
   aria-describedby. So a screen reader can hear the numbers, and anyone can copy them. Written from the figure as
   drawn (title, axis titles that name the scale, and per trace its name with label = value pairs for a few bars
   or points, or the count and the ranges for long series), so no page needs its own summary. */
(function () {
  const MAX_PAIRS = 12;  // more points than this are summarised by their count and ranges
  const MAX_BARS = 20;  // bars are listed one by one up to this many (a chart's 15 features)
  const hooked = new WeakSet();
  let counter = 0;

  function plain(html) {  // plotly's HTML-like labels as text; DOMParser runs no script and loads nothing
    if (html === undefined || html === null) { return ""; }
    const doc = new DOMParser().parseFromString(String(html).replace(/<br\s*\/?>/gi, " "), "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  }
  function number(value) {
    if (typeof value !== "number") { return plain(value); }
    if (!isFinite(value)) { return "n/a"; }
    if (Number.isInteger(value) || Math.abs(value) >= 1000) { return Math.round(value).toLocaleString("en-US"); }
    return String(parseFloat(value.toPrecision(3)));
  }
  function values(array) { return array ? Array.from(array) : []; }
  function range(list) {
    const numbers = list.filter(function (v) { return typeof v === "number" && isFinite(v); });
    if (!numbers.length) { return list.length ? "categories " + plain(list[0]) + " … " + plain(list[list.length - 1]) : "none"; }
    return number(Math.min.apply(null, numbers)) + " to " + number(Math.max.apply(null, numbers));
  }
  function pairs(labels, numbers) {
    return labels.map(function (label, i) { return plain(label) + " = " + number(numbers[i]); }).join("; ");
  }
  function describe(trace, layout) {
    const given = trace._input ? trace._input.name : trace.name;  // not plotly's default "trace 0"
    const name = plain(given) || (trace.type === "heatmap" ? "values" : trace.type);
    if (trace.type === "bar") {
      const across = trace.orientation === "h";
      let labels = values(across ? trace.y : trace.x), numbers = values(across ? trace.x : trace.y);
      const yaxis = layout.yaxis || {};
      if (across && yaxis.autorange !== "reversed") { labels = labels.reverse(); numbers = numbers.reverse(); }  // top down
      if (labels.length <= MAX_BARS) { return name + ": " + pairs(labels, numbers); }
      return name + ": " + labels.length + " bars from " + range(numbers);
    }
    if (trace.type === "heatmap") {
      const z = values(trace.z).map(values), x = values(trace.x), y = values(trace.y);
      const cells = [].concat.apply([], z);
      if (cells.length <= MAX_PAIRS * 3) {
        return name + ": " + z.map(function (row, i) { return pairs(row.map(function (_, j) { return plain(y[i]) + " × " + plain(x[j]); }), row); }).join("; ");
      }
      return name + ": " + z.length + " rows × " + (z[0] || []).length + " columns, values from " + range(cells);
    }
    if (trace.type === "table") {
      const header = values(trace.header && trace.header.values).map(plain);
      const columns = values(trace.cells && trace.cells.values).map(values);
      const rows = (columns[0] || []).slice(0, MAX_PAIRS).map(function (_, r) {
        return columns.map(function (column, c) { return (header[c] ? header[c] + " " : "") + plain(column[r]); }).join(", ");
      });
      return rows.join("; ");
    }
    const xs = values(trace.x), ys = values(trace.y);
    if (!xs.length && !ys.length) { return name; }
    if (!xs.length) { return name + ": " + ys.length + " points, y from " + range(ys); }  // x given by x0 and dx
    if (xs.length <= MAX_PAIRS) {
      return name + ": " + xs.map(function (x, i) { return "(" + number(x) + ", " + number(ys[i]) + ")"; }).join(" ");
    }
    return name + ": " + xs.length + " points, x from " + range(xs) + ", y from " + range(ys);
  }
  function axes(layout) {
    const words = [];
    ["xaxis", "yaxis"].forEach(function (key) {
      const given = layout[key] && layout[key].title;
      const title = plain(typeof given === "string" ? given : given && given.text);
      if (title) { words.push(key.charAt(0) + ": " + title); }
    });
    return words.join("; ");
  }
  function lines(gd) {
    const layout = gd.layout || {};  // the figure's own (the full layout fills in "Click to enter ... title")
    const title = typeof layout.title === "string" ? { text: layout.title } : layout.title || {};
    const head = [plain(title.text), plain(title.subtitle && title.subtitle.text), axes(layout)].filter(Boolean);
    const traces = (gd._fullData || gd.data || []).filter(function (t) { return t.visible !== false && t.visible !== "legendonly"; });
    const notes = (layout.annotations || []).filter(function () { return !traces.length; }).map(function (a) { return plain(a.text); });
    return { head: head, body: traces.map(function (t) { return describe(t, layout); }).filter(Boolean).concat(notes) };
  }
  function render(gd) {
    const outer = gd.closest(".dash-graph") || gd;
    let box = outer.nextElementSibling;
    if (!box || !box.classList.contains("chart-summary")) {
      box = document.createElement("details");
      box.className = "chart-summary";
      box.id = "chart-summary-" + (++counter);
      box.innerHTML = "<summary>Numbers in this chart</summary><div class='chart-summary-body'></div>";
      outer.insertAdjacentElement("afterend", box);
    }
    const found = lines(gd), body = box.querySelector(".chart-summary-body");
    const fresh = document.createElement("div");
    found.head.forEach(function (text) { const p = document.createElement("p"); p.textContent = text; fresh.appendChild(p); });
    const list = document.createElement("ul");
    found.body.forEach(function (text) { const li = document.createElement("li"); li.textContent = text; list.appendChild(li); });
    fresh.appendChild(list);
    if (body.innerHTML !== fresh.innerHTML) { body.innerHTML = fresh.innerHTML; }
    box.hidden = !found.body.length && !found.head.length;
    if (gd.getAttribute("aria-describedby") !== box.id) { gd.setAttribute("aria-describedby", box.id); }
  }
  function scan() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (hooked.has(gd) || typeof gd.on !== "function") { return; }
      hooked.add(gd);
      gd.on("plotly_afterplot", function () { render(gd); });
      if (gd._fullLayout) { render(gd); }
    });
    document.querySelectorAll("details.chart-summary").forEach(function (box) {  // a graph gone takes its summary
      const before = box.previousElementSibling;
      if (!before || !(before.matches(".js-plotly-plot") || before.querySelector(".js-plotly-plot"))) { box.remove(); }
    });
  }
  let queued = false;
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; scan(); }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", scan);
})();
