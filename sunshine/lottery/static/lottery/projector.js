// The projector polls the draw's JSON every 2 seconds and redraws the changing parts.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root || !window.fetch) return;
  var labels = document.getElementById("p-labels").dataset;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function short(hex) {
    return hex ? hex.slice(0, 16) + "…" : "—";
  }

  function render(data) {
    document.getElementById("p-state").textContent = data.state_label;
    document.getElementById("p-digest").textContent = data.manifest_digest || "—";
    var body = document.getElementById("p-witnesses");
    body.replaceChildren();
    data.witnesses.forEach(function (w) {
      var tr = el("tr");
      tr.appendChild(el("td", w.name));
      tr.appendChild(el("td", short(w.commitment), "mono small"));
      tr.appendChild(el("td", w.value || "……", "mono reveal"));
      body.appendChild(tr);
    });
    var result = document.getElementById("p-result");
    result.hidden = !data.schools.length;
    document.getElementById("p-seed").textContent = data.seed;
    document.getElementById("p-result-digest").textContent = data.result_digest;
    var schools = document.getElementById("p-schools");
    schools.replaceChildren();
    data.schools.forEach(function (s) {
      [["admitted", labels.admitted, "numbers"], ["waitlist", labels.waitlist, "numbers wait"]].forEach(function (part) {
        schools.appendChild(el("h3", s.name + " · " + part[1]));
        var ol = el("ol", null, part[2]);
        s[part[0]].forEach(function (n) { ol.appendChild(el("li", n, "mono")); });
        schools.appendChild(ol);
      });
    });
  }

  function poll() {
    fetch(root.dataset.live, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
