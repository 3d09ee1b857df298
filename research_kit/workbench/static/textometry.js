// The textometry browser (research_kit/workbench/textometry.py): classes, profile, anti-profile,
// segments, a form's concordance, the factor map.

function render({ model, el }) {
  const root = h("div", { class: "rk-wb rk-textometry" });
  ownKeys(root);
  el.appendChild(root);
  const left = h("div", {});
  const right = h("div", {});
  root.append(h("div", { class: "rk-h", text: L(model, "textometry_title") }), messageBar(model),
              h("div", { class: "rk-split" }, left, right));

  function drawLeft() {
    clear(left);
    const current = model.get("current");
    left.appendChild(h("div", { class: "rk-h", text: L(model, "classes") }));
    left.appendChild(table([
      { key: "label", label: L(model, "classes"), render: (r) => `${r.label}${r.marginal ? ` (${L(model, "marginal")})` : ""}` },
      { key: "n_segments", label: L(model, "segments"), cls: "rk-num" },
      { label: "%", cls: "rk-num", render: (r) => fmt(r.percent, 1) },
    ], model.get("classes") || [], (r) => send(model, "open_class", { cls: r.cls }),
    { cls: "rk-classes", rowClass: (r) => (r.cls === current ? "rk-current" : "") }));
    const map = model.get("factor_map");
    if (map) left.append(h("div", { class: "rk-h", text: L(model, "factor_map") }),
                         h("div", { class: "rk-map" }, h("img", { src: map, alt: L(model, "factor_map") })));
  }

  function forms(rows, sign) {
    return table([
      { label: L(model, "term"), render: (r) => (r.kind === "variable" ? h("span", { text: r.term }) :
          h("span", { class: "rk-form", "data-term": r.term, text: r.term, onclick: () => send(model, "form", { term: r.term }) })) },
      { key: "kind", label: L(model, "kind") },
      { label: "χ²", cls: "rk-num", render: (r) => fmt(r.chi2, 1) },
      { label: "%", cls: "rk-num", render: (r) => fmt(r.percent, 1) },
    ], rows || [], null, { cls: "rk-" + sign });
  }

  function drawRight() {
    clear(right);
    const d = model.get("details") || {};
    if (d.cls === undefined) return;
    right.appendChild(h("div", { class: "rk-muted", text: L(model, "click_form") }));
    right.appendChild(h("div", { class: "rk-split" },
      h("div", {}, h("div", { class: "rk-h", text: L(model, "profile") }), forms(d.profile, "profile")),
      h("div", {}, h("div", { class: "rk-h", text: L(model, "anti_profile") }), forms(d.anti_profile, "anti"))));
    right.appendChild(h("div", { class: "rk-h", text: L(model, "characteristic_segments") }));
    for (const s of d.segments || []) {
      right.appendChild(h("div", { class: "rk-retrieved rk-clickable rk-segment", onclick: () => send(model, "open_segment", { rank: s.rank }) },
        h("div", { class: "rk-muted", text: `${s.rank}. ${s.doc_id} · ${L(model, "turn")} ${s.turn} · ${L(model, "score")} ${fmt(s.score, 1)}` }),
        h("div", { class: "rk-quote", text: s.text })));
    }
    const c = model.get("concordance") || {};
    if (c.term) {
      right.appendChild(h("div", { class: "rk-h", text: `${L(model, "concordance")} — ${c.term} (${c.total} ${L(model, "hits")})` }));
      right.appendChild(h("div", { class: "rk-scroll" }, table([
        { label: L(model, "document"), cls: "rk-doc", render: (r) => h("span", { title: r.title, text: r.title }) },
        { label: "", cls: "rk-left", render: (r) => leftCell(r.left) }, { key: "match", label: "", cls: "rk-match" },
        { key: "right", label: "", cls: "rk-right" },
      ], c.rows || [], (r) => send(model, "open_hit", { index: r.i }), { cls: "rk-kwic" })));
    }
    right.appendChild(contextBox(model));
  }

  root.addEventListener("keydown", (ev) => ev.stopPropagation());
  model.on("change:classes", drawLeft);
  model.on("change:current", drawLeft);
  model.on("change:factor_map", drawLeft);
  for (const n of ["details", "concordance", "context"]) model.on(`change:${n}`, drawRight);
  drawLeft();
  drawRight();
}

export default { render };
