/* policytext serve: two small dependency-free SVG charts (timeline and heatmap).
   Data comes from <script type="application/json" id="chart-data">; text is set with
   textContent only (never innerHTML), so labels from documents cannot inject markup. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el("text", Object.assign({ x: x, y: y, "class": "axis" }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function tooltip(box) {
    var tip = document.createElement("div");
    tip.className = "tooltip";
    box.appendChild(tip);
    return {
      show: function (evt, s) {
        tip.textContent = s;
        tip.style.display = "block";
        var r = box.getBoundingClientRect();
        tip.style.left = Math.min(evt.clientX - r.left + 12, r.width - tip.offsetWidth - 4) + "px";
        tip.style.top = (evt.clientY - r.top + 12) + "px";
      },
      hide: function () { tip.style.display = "none"; }
    };
  }
  function label(data, t) { return (data.labels[t] || t) + " " + t; }

  function timeline(box, data, onPick) {
    box.textContent = "";
    var tl = data.timeline, years = tl.years, W = 560, H = 220, L = 34, R = 8, T = 10, B = 26;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "mentions per year" }, box);
    if (!years.length) { text(svg, W / 2, H / 2, "no dated documents", { "class": "empty", "text-anchor": "middle" }); return; }
    var byYear = {}, max = 0;
    tl.cells.forEach(function (c) { (byYear[c.year] = byYear[c.year] || []).push(c); });
    years.forEach(function (y) {
      var s = (byYear[y] || []).reduce(function (a, c) { return a + c.n; }, 0);
      if (s > max) max = s;
    });
    max = Math.max(max, 1);
    var bw = (W - L - R) / years.length, scale = (H - T - B) / max;
    var ticks = [0, Math.ceil(max / 2), max];
    ticks.forEach(function (v) {
      var y = H - B - v * scale;
      el("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#e6e9ee" }, svg);
      text(svg, L - 4, y + 3, String(v), { "text-anchor": "end" });
    });
    var tip = tooltip(box), f = data.filters;
    years.forEach(function (year, i) {
      var x = L + i * bw + bw * 0.12, w = bw * 0.76, y0 = H - B;
      var cells = (byYear[year] || []).slice().sort(function (a, b) { return b.n - a.n; });
      var total = cells.reduce(function (a, c) { return a + c.n; }, 0);
      var inPeriod = (!f.year_from || year >= f.year_from) && (!f.year_to || year <= f.year_to);
      var g = el("g", { "data-year": year, opacity: inPeriod ? 1 : 0.35 }, svg);
      if (!cells.length) el("rect", { x: x, y: y0 - 1, width: w, height: 1, fill: "#ccd" }, g);
      cells.forEach(function (c) {
        var h = c.n * scale;
        var r = el("rect", { x: x, y: y0 - h, width: w, height: Math.max(h, 0.5), fill: data.colours[c.type] || "#999", "class": "bar",
                             "data-year": year, "data-type": c.type }, g);
        r.addEventListener("mousemove", function (evt) { tip.show(evt, year + " · " + label(data, c.type) + ": " + c.n + " (year total " + total + ")"); });
        r.addEventListener("mouseleave", tip.hide);
        r.addEventListener("click", function () { onPick({ year_from: year, year_to: year }); });
        y0 -= h;
      });
      if (years.length <= 16 || i % Math.ceil(years.length / 16) === 0)
        text(svg, x + w / 2, H - B + 14, String(year), { "text-anchor": "middle" });
    });
  }

  function heatmap(box, data, onPick) {
    box.textContent = "";
    var hm = data.heatmap, aggs = hm.aggs;
    var types = Object.keys(data.labels).filter(function (t) { return hm.cells.some(function (c) { return c.type === t; }); });
    var W = 560, L = 110, T = 84, cw = aggs.length ? Math.min(40, (W - L - 6) / aggs.length) : 40, ch = 16;
    var H = T + Math.max(types.length, 1) * ch + 6;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "mentions per type and agglomeration" }, box);
    if (!types.length || !aggs.length) { text(svg, W / 2, H / 2, "no mentions with an agglomeration", { "class": "empty", "text-anchor": "middle" }); return; }
    var max = 1, at = {};
    hm.cells.forEach(function (c) { at[c.type + "|" + c.agg] = c.n; if (c.n > max) max = c.n; });
    var tip = tooltip(box), f = data.filters;
    aggs.forEach(function (a, j) {
      var x = L + j * cw + cw / 2;
      var t = text(svg, x, T - 6, data.agg_names[a] || a, { transform: "rotate(-45 " + x + " " + (T - 6) + ")" });
      t.setAttribute("data-agg", a);
    });
    types.forEach(function (ty, i) {
      var y = T + i * ch;
      text(svg, L - 6, y + ch - 4, data.labels[ty] || ty, { "text-anchor": "end" });
      aggs.forEach(function (a, j) {
        var n = at[ty + "|" + a] || 0;
        var colour = data.colours[ty] || "#999";
        var r = el("rect", { x: L + j * cw + 1, y: y + 1, width: cw - 2, height: ch - 2, rx: 2, "class": "cell",
                             fill: n ? colour : "#f1f3f6", "fill-opacity": n ? (0.15 + 0.85 * n / max).toFixed(3) : 1,
                             "data-type": ty, "data-agg": a, "data-n": n }, svg);
        if (f.type === ty && f.agg === a) r.classList.add("selected");
        r.addEventListener("mousemove", function (evt) { tip.show(evt, label(data, ty) + " × " + (data.agg_names[a] || a) + ": " + n); });
        r.addEventListener("mouseleave", tip.hide);
        r.addEventListener("click", function () { onPick({ type: ty, agg: a }); });
      });
    });
  }

  window.policytextCharts = {
    render: function (onPick) {
      var node = document.getElementById("chart-data");
      if (!node) return;
      var data = JSON.parse(node.textContent);
      var t = document.getElementById("timeline"), h = document.getElementById("heatmap");
      if (t) timeline(t, data, onPick);
      if (h) heatmap(h, data, onPick);
    }
  };
})();
