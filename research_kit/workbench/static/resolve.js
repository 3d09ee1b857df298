// Compare and resolve (research_kit/workbench/resolve.py): the units where coders disagree,
// a decision per (unit, code), agreement per code. Python decides and writes; this file draws.

function render({ model, el }) {
  const root = h("div", { class: "rk-wb rk-resolve" });
  ownKeys(root);
  el.appendChild(root);
  const top = h("div", { class: "rk-top" });
  const notices = h("div", { class: "rk-notices" });
  const list = h("div", { class: "rk-transcript" });
  const side = h("div", { class: "rk-side", style: { flexBasis: "400px" } });
  root.append(top, notices, messageBar(model), h("div", { class: "rk-main" }, list, side));

  function drawTop() {
    clear(top);
    const st = model.get("status") || {};
    const v = model.get("view") || {};
    const only = h("input", { type: "checkbox", class: "rk-undecided" });
    only.checked = !!v.undecided_only;
    only.addEventListener("change", () => send(model, "filter", { undecided_only: only.checked }));
    top.append(
      h("span", { class: "rk-status" }, h("b", { text: st.decider || "" }), ` ${L(model, "decider")} · ${L(model, "unit")}: ${st.unit || "–"} · `,
        h("span", { class: "rk-progress", text: `${st.decided || 0}/${st.total || 0} ${L(model, "decided")}, ${st.remaining || 0} ${L(model, "remaining")}` })),
      h("label", {}, only, " " + L(model, "undecided_only")),
      select([{ value: "", label: `${L(model, "code")}: ${L(model, "all")}` }, ...(st.codes || []).map((c) => ({ value: c, label: c }))],
        v.code || "", (x) => send(model, "filter", { code: x }), { class: "rk-r-code" }),
      select([{ value: "", label: `${L(model, "document")}: ${L(model, "all")}` }, ...(st.documents || []).map((d) => ({ value: d, label: d }))],
        v.doc_id || "", (x) => send(model, "filter", { doc_id: x }), { class: "rk-r-doc" }),
      h("button", { class: "rk-refresh", text: L(model, "refresh"), onclick: () => send(model, "refresh") }),
      h("button", { class: "rk-undo", text: "↶ " + L(model, "undo"), onclick: () => send(model, "undo") }));
  }

  function drawNotices() {
    clear(notices);
    for (const n of model.get("notices") || []) notices.appendChild(h("div", { class: `rk-message rk-${n.level || "warning"}` }, h("span", { text: n.text })));
  }

  function vote(v) {
    if (v === true) return h("span", { class: "rk-vote-yes", text: "✓ " + L(model, "yes") });
    if (v === false) return h("span", { class: "rk-vote-no", text: "✗ " + L(model, "no") });
    return h("span", { class: "rk-muted", text: "– " + L(model, "missing") });
  }

  function drawUnits() {
    clear(list);
    const coders = model.get("coders") || [];
    const units = model.get("units") || [];
    const st = model.get("status") || {};
    if (!units.length) { list.appendChild(h("div", { class: "rk-muted", text: L(model, "no_disagreement") })); return; }
    for (const u of units) {
      const box = h("div", { class: "rk-unit", "data-doc": u.doc_id, "data-start": u.start });
      box.appendChild(h("div", { class: "rk-unit-head", text: `${u.title} · ${u.speaker || ""} · ${L(model, "turn")} ${u.turn}` }));
      box.appendChild(h("div", { class: "rk-text", text: u.text }));
      const rows = u.items.map((it) => {
        const memo = h("input", { type: "text", class: "rk-decision-memo", placeholder: L(model, "memo"), value: it.memo || "" });
        return h("tr", { "data-row": it.row, "data-code": it.code },
          h("td", {}, h("b", { text: it.label }), h("div", { class: "rk-code-id", text: it.code })),
          ...coders.map((c) => h("td", {}, vote(it.votes[c]))),
          h("td", {},
            h("div", { class: "rk-row" },
              h("button", { class: "rk-apply" + (it.decision === "apply" ? " rk-apply-on" : ""), text: L(model, "apply"),
                            onclick: () => send(model, "decide", { row: it.row, apply: true, memo: memo.value }) }),
              h("button", { class: "rk-dont" + (it.decision === "reject" ? " rk-reject-on" : ""), text: L(model, "dont_apply"),
                            onclick: () => send(model, "decide", { row: it.row, apply: false, memo: memo.value }) })),
            memo,
            it.decided_by ? h("div", { class: "rk-decided", text: `${L(model, "decided")} : ${it.decided_by}` }) : null));
      });
      box.appendChild(h("table", { class: "rk-table" },
        h("thead", {}, h("tr", {}, h("th", { text: L(model, "code") }), ...coders.map((c) => h("th", { text: c })), h("th", { text: "" }))),
        h("tbody", {}, rows)));
      list.appendChild(box);
    }
    if (st.units_shown < st.units_total) {
      list.appendChild(h("button", { class: "rk-more", text: `${L(model, "more")} (${st.units_shown}/${st.units_total})`, onclick: () => send(model, "more") }));
    }
  }

  function drawAgreement() {
    clear(side);
    const st = model.get("status") || {};
    side.appendChild(h("div", { class: "rk-h", text: L(model, "agreement") }));
    const rows = model.get("agreement") || [];
    const ordered = [...rows.filter((r) => r.code === "(all)"), ...rows.filter((r) => r.code !== "(all)")];
    const kappa = rows.some((r) => r.cohen_kappa !== null && r.cohen_kappa !== undefined);
    side.appendChild(table([
      { key: "label", label: L(model, "code") },
      { label: "α", cls: "rk-num", render: (r) => fmt(r.krippendorff_alpha) },
      ...(kappa ? [{ label: "κ", cls: "rk-num", render: (r) => fmt(r.cohen_kappa) }] : []),
      { label: L(model, "disagreements"), cls: "rk-num", key: "disagreements" },
      { label: L(model, "remaining"), cls: "rk-num", key: "remaining" },
    ], ordered, (r) => r.code !== "(all)" && send(model, "filter", { code: r.code }),
    { cls: "rk-agreement", rowClass: (r) => (r.code === "(all)" ? "rk-total" : "") }));
    if (st.file) side.appendChild(h("div", { class: "rk-muted", text: `${L(model, "written_to")} ${st.file}` }));
  }

  root.addEventListener("keydown", (ev) => ev.stopPropagation());
  model.on("change:status", drawTop);
  model.on("change:view", drawTop);
  model.on("change:units", drawUnits);
  model.on("change:coders", drawUnits);
  model.on("change:agreement", drawAgreement);
  model.on("change:notices", drawNotices);
  drawTop();
  drawNotices();
  drawUnits();
  drawAgreement();
}

export default { render };
