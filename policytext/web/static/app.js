/* policytext serve: filters that update counts, results and charts without reloading.
   Without JavaScript the same form works by submitting it (<noscript> button). */
(function () {
  "use strict";
  var live = document.getElementById("live");

  function refresh(query, push) {
    var url = "/?" + query;
    live.setAttribute("aria-busy", "true");
    return fetch(url + (query ? "&" : "") + "partial=1", { headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (html) {
        live.innerHTML = html;  // server-rendered, autoescaped fragment of our own origin
        if (push) history.pushState(null, "", url);
        live.removeAttribute("aria-busy");
        live.dispatchEvent(new CustomEvent("policytext:updated", { bubbles: true }));
        draw();
      })
      .catch(function () { location.href = url; });
  }

  function formQuery(change) {
    var form = document.getElementById("filters");
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v) params.set(k, v); });
    Object.keys(change || {}).forEach(function (k) {
      if (change[k] === "" || change[k] == null) params.delete(k); else params.set(k, change[k]);
    });
    params.delete("offset");
    return params.toString();
  }

  function draw() {
    if (window.policytextCharts) window.policytextCharts.render(function (change) { refresh(formQuery(change), true); });
  }

  if (live) {
    live.addEventListener("change", function (evt) {
      if (evt.target.form && evt.target.form.id === "filters") refresh(formQuery(), true);
    });
    live.addEventListener("click", function (evt) {
      var a = evt.target.closest && evt.target.closest("a[data-live]");
      if (!a) return;
      evt.preventDefault();
      refresh(a.getAttribute("href").replace(/^\/\??/, ""), true);
    });
    window.addEventListener("popstate", function () { refresh(location.search.replace(/^\?/, ""), false); });
    draw();
  }

  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("[data-confirm]");
    if (b && !window.confirm(b.getAttribute("data-confirm"))) evt.preventDefault();
  });

  var target = document.querySelector(".sent.target");
  if (target && !location.hash) target.scrollIntoView({ block: "center" });
})();
