// The explorer (research_kit/workbench/explorer.py): search box, filters, concordance, context,
// frequencies, keyness, participation, export. Python computes; this file draws and sends actions.

function valuesOf(options, column) {
  if (column === "doc_id") return (options.documents || []).map((d) => ({ value: d.doc_id, label: d.title }));
  if (column === "speaker") return (options.speakers || []).map((v) => ({ value: v, label: v }));
  if (column === "role") return (options.roles || []).map((v) => ({ value: v, label: v }));
  return ((options.variables || {})[column] || []).map((v) => ({ value: v, label: v }));
}

function render({ model, el }) {
  const root = h("div", { class: "rk-wb rk-explorer" });
  ownKeys(root);
  el.appendChild(root);
  let ctxHolder = null;
  let kwicBody = null;
  let variable = Object.keys((model.get("options") || {}).variables || {})[0] || "";
  const head = h("div", {});
  const filterBar = h("div", { class: "rk-bar rk-filters" });
  const tabBar = h("div", {});
  const body = h("div", {});
  root.append(head, filterBar, messageBar(model), tabBar, body);
  const labels = {
    term: L(model, "term"), count: L(model, "count"), per_10k: L(model, "per_10k"), documents: L(model, "documents"),
    target: L(model, "target"), reference: L(model, "reference"), measure: L(model, "measure"), log_ratio: "log ratio",
    speaker: L(model, "speaker"), role: L(model, "role"), turns: L(model, "turns"), words: L(model, "words"),
    share_words: L(model, "share_words"), time: L(model, "time"), "": "",
  };

  // -- search bar -------------------------------------------------------------------------

  function drawHead() {
    clear(head);
    const q = model.get("query") || {};
    const input = h("input", { class: "rk-query", type: "search", placeholder: L(model, "search_placeholder"),
                               value: q.query || "", "aria-label": L(model, "search") });
    const of = select([{ value: "text", label: L(model, "of_text") }, { value: "lemma", label: L(model, "of_lemma") }],
      q.of || "text", () => {}, { class: "rk-of" });
    const regex = h("input", { type: "checkbox", class: "rk-regex" });
    regex.checked = !!q.regex;
    const cased = h("input", { type: "checkbox", class: "rk-case" });
    cased.checked = !!q.case_sensitive;
    const run = () => input.value.trim() && send(model, "search", { query: input.value, of: of.value, regex: regex.checked,
                                                                     case_sensitive: cased.checked });
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); run(); } });
    head.appendChild(h("div", { class: "rk-bar" }, input, of,
      h("label", {}, regex, " " + L(model, "regex")), h("label", {}, cased, " " + L(model, "case")),
      h("button", { class: "rk-search", text: L(model, "search"), onclick: run }),
      h("span", { class: "rk-muted", text: L(model, "sort") }),
      select(["position", "left", "right", "match"].map((k) => ({ value: k, label: L(model, "sort_" + k) })),
        q.sort || "position", (v) => send(model, "sort", { by: v }), { class: "rk-sort" })));
  }

  // -- filters ----------------------------------------------------------------------------

  function drawFilters() {
    clear(filterBar);
    const o = model.get("options") || {};
    const f = model.get("filters") || {};
    const put = (key, value) => {
      const next = { ...(model.get("filters") || {}) };
      if (value === "" || value === null || value === undefined) delete next[key];
      else next[key] = value;
      send(model, "filter", { filters: next });
    };
    const pick = (key, opts, cls) => select([{ value: "", label: L(model, "all") }, ...opts], f[key] || "",
      (v) => put(key, v), { class: cls, "aria-label": key });
    filterBar.append(h("span", { class: "rk-muted", text: L(model, "filters") }),
      h("span", { text: L(model, "speaker") }), pick("speaker", valuesOf(o, "speaker"), "rk-f-speaker"),
      h("span", { text: L(model, "role") }), pick("role", valuesOf(o, "role"), "rk-f-role"),
      h("span", { text: L(model, "document") }), pick("doc_id", valuesOf(o, "doc_id"), "rk-f-doc"));
    const from = h("input", { type: "date", class: "rk-f-from", value: f.date_from || "" });
    const to = h("input", { type: "date", class: "rk-f-to", value: f.date_to || "" });
    from.addEventListener("change", () => put("date_from", from.value));
    to.addEventListener("change", () => put("date_to", to.value));
    filterBar.append(h("span", { text: L(model, "date_from") }), from, h("span", { text: L(model, "date_to") }), to);
    const names = Object.keys(o.variables || {});
    if (names.length) {
      filterBar.append(select(names.map((n) => ({ value: n, label: n })), variable, (v) => {
        const old = variable;
        variable = v;
        if (f[old] !== undefined) put(old, ""); else drawFilters();
      }, { class: "rk-f-variable", "aria-label": L(model, "variable") }));
      filterBar.append(pick(variable, valuesOf(o, variable), "rk-f-value"));
    }
    filterBar.append(h("button", { class: "rk-reset", text: L(model, "reset"), onclick: () => send(model, "filter", { filters: {} }) }));
  }

  // -- tabs and body ------------------------------------------------------------------------

  function drawTabs() {
    clear(tabBar);
    const view = model.get("view");
    const names = ["concordance", "frequencies", "keyness", "participation"].map((k) => [k, L(model, k)]);
    tabBar.appendChild(h("div", { class: "rk-bar" },
      tabs(names, view, (k) => send(model, "view", { name: k })),
      h("button", { class: "rk-export", text: L(model, "export"), onclick: () => send(model, "export") }),
      model.get("exported") ? h("span", { class: "rk-muted rk-exported", text: `${L(model, "exported")} ${model.get("exported")}` }) : null));
  }

  function drawConcordance() {
    const hits = model.get("hits") || {};
    if (hits.total === undefined) { body.appendChild(h("div", { class: "rk-muted", text: L(model, "search_placeholder") })); return; }
    const filtered = hits.unfiltered !== hits.total ? ` (${hits.unfiltered} ${L(model, "before_filters")})` : "";
    body.appendChild(h("div", { class: "rk-bar" },
      h("span", { class: "rk-count", text: `${hits.total} ${L(model, "hits")}` }),
      h("span", { text: ` ${L(model, "in")} ${hits.documents} ${L(model, "documents")}${filtered}` }),
      h("span", { class: "rk-forms", text: (hits.forms || []).map(([f, n]) => `${f} ${n}`).join(" · ") })));
    if (!hits.total) { body.appendChild(h("div", { class: "rk-muted", text: L(model, "no_hits") })); return; }
    const current = (model.get("context") || {}).index;
    const grid = table([
      { label: L(model, "document"), cls: "rk-doc", render: (r) => h("span", { title: r.title, text: r.title }) },
      { label: L(model, "speaker"), cls: "rk-who-cell", render: (r) => h("span", { title: r.role || "", text: r.speaker }) },
      { label: "", cls: "rk-left", render: (r) => leftCell(r.left) },
      { key: "match", label: "", cls: "rk-match" },
      { key: "right", label: "", cls: "rk-right" },
    ], hits.rows || [], (r) => send(model, "open_hit", { index: r.i }),
    { cls: "rk-kwic", rowClass: (r) => (r.i === current ? "rk-current" : "") });
    kwicBody = grid.querySelector("tbody");
    body.appendChild(h("div", { class: "rk-scroll" }, grid));
    if ((hits.rows || []).length < hits.total) {
      body.appendChild(h("button", { class: "rk-more", text: `${L(model, "more")} (${hits.rows.length}/${hits.total})`,
                                     onclick: () => send(model, "more") }));
    }
    ctxHolder = drawContext();
    body.appendChild(ctxHolder);
  }

  function drawContext() {
    return contextBox(model, { empty: L(model, "click_hit"), turnNumbers: true });
  }

  function drawTable() {
    const t = model.get("table") || {};
    if (!t.rows || t.view !== model.get("view")) return;
    const cols = t.columns.map((c) => ({
      label: labels[c.label] !== undefined ? labels[c.label] : c.label, cls: c.num ? "rk-num" : "",
      render: (r) => {
        const v = r[c.key];
        if (c.key === "side") return v === "target" ? "▲" : "▼";
        if (c.key === "share_words") {
          return h("div", { class: "rk-bar-cell" }, h("div", { class: "rk-bar-fill", style: { width: `${Math.round((v || 0) * 100)}%` } }),
                   h("span", { text: `${Math.round((v || 0) * 1000) / 10} %` }));
        }
        if (c.key === "speaking_time_s") return minutes(v);
        if (typeof v === "number" && !Number.isInteger(v)) return fmt(v, 2);
        return v === null || v === undefined ? "–" : String(v);
      },
    }));
    if (t.sizes) body.appendChild(h("div", { class: "rk-muted", text: `${L(model, "target")} : ${t.sizes.target} ${L(model, "words").toLowerCase()} · ${L(model, "reference")} : ${t.sizes.reference} ${L(model, "words").toLowerCase()}` }));
    body.appendChild(h("div", { class: "rk-scroll" }, table(cols, t.rows, null, { cls: `rk-${t.view}` })));
  }

  function drawFrequencies() {
    const s = ((model.get("sides") || {}).frequencies) || { of: "lemma" };
    body.appendChild(h("div", { class: "rk-bar" },
      select([{ value: "lemma", label: L(model, "of_lemma") }, { value: "text", label: L(model, "of_text") }], s.of,
        (v) => send(model, "frequencies", { of: v }), { class: "rk-freq-of" })));
    drawTable();
  }

  function sidePicker(cls, state, allowRest) {
    const o = model.get("options") || {};
    const columns = o.columns || ["doc_id", "speaker", "role"];
    const col = select([...(allowRest ? [{ value: "", label: L(model, "rest") }] : []),
      ...columns.map((c) => ({ value: c, label: labels[c] || (c === "doc_id" ? L(model, "document") : c) }))],
      state.column || (allowRest ? "" : columns[0]), () => { fill(); }, { class: cls + "-column" });
    const val = h("select", { class: cls + "-value" });
    function fill() {
      clear(val);
      for (const v of col.value ? valuesOf(o, col.value) : []) {
        const opt = h("option", { value: v.value, text: v.label });
        if (String(v.value) === String(state.value)) opt.selected = true;
        val.appendChild(opt);
      }
      val.disabled = !col.value;
    }
    fill();
    return { el: h("span", {}, col, val), get: () => (col.value ? { column: col.value, value: val.value } : null) };
  }

  function drawKeyness() {
    const s = ((model.get("sides") || {}).keyness) || {};
    const target = sidePicker("rk-target", s.target || {}, false);
    const reference = sidePicker("rk-reference", s.reference || {}, true);
    const measure = select(["log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon"].map((m) => ({ value: m, label: m })),
      s.measure || "log_likelihood", () => {}, { class: "rk-measure" });
    body.appendChild(h("div", { class: "rk-bar" }, h("b", { text: L(model, "target") }), target.el,
      h("b", { text: L(model, "reference") }), reference.el, h("span", { text: L(model, "measure") }), measure,
      h("button", { class: "rk-compute", text: L(model, "compute"),
                    onclick: () => send(model, "keyness", { target: target.get(), reference: reference.get(), measure: measure.value }) })));
    drawTable();
  }

  function drawParticipation() {
    const s = ((model.get("sides") || {}).participation) || { by: "speaker" };
    const o = model.get("options") || {};
    body.appendChild(h("div", { class: "rk-bar" },
      select([{ value: "", label: L(model, "whole_corpus") }, ...valuesOf(o, "doc_id")], s.doc_id || "",
        (v) => send(model, "participation", { doc_id: v || null, by: s.by || "speaker" }), { class: "rk-part-doc" }),
      h("span", { text: L(model, "by") }),
      select([{ value: "speaker", label: L(model, "speaker") }, { value: "role", label: L(model, "role") }], s.by || "speaker",
        (v) => send(model, "participation", { doc_id: s.doc_id || null, by: v }), { class: "rk-part-by" })));
    drawTable();
  }

  function drawBody() {
    clear(body);
    const view = model.get("view");
    if (view === "concordance") drawConcordance();
    else if (view === "frequencies") drawFrequencies();
    else if (view === "keyness") drawKeyness();
    else drawParticipation();
  }

  root.addEventListener("keydown", (ev) => { ev.stopPropagation(); });
  model.on("change:query", drawHead);
  model.on("change:filters", drawFilters);
  model.on("change:options", drawFilters);
  model.on("change:view", () => { drawTabs(); drawBody(); });
  model.on("change:exported", drawTabs);
  for (const name of ["hits", "table", "sides"]) model.on(`change:${name}`, drawBody);
  model.on("change:context", () => {
    if (model.get("view") !== "concordance" || !ctxHolder || !body.contains(ctxHolder)) { drawBody(); return; }
    const fresh = drawContext();
    ctxHolder.replaceWith(fresh);
    ctxHolder = fresh;
    const i = (model.get("context") || {}).index;
    if (kwicBody) [...kwicBody.rows].forEach((tr, k) => tr.classList.toggle("rk-current", k === i));
  });
  drawHead();
  drawFilters();
  drawTabs();
  drawBody();
}

export default { render };
