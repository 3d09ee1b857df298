// The coding panel (research_kit/workbench/coding_panel.py): transcript, selection, code tree,
// suggestions, retrieval. Python holds the state; this file draws it and sends actions.

function fold(s) {
  return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function tint(colour, alpha) {
  return /^#[0-9a-fA-F]{6}$/.test(colour || "") ? colour + alpha : "rgba(120,120,120,0.25)";
}

// The document offset (in code points) of a point of a DOM selection, or null outside the text.
function pointOffset(node, offset) {
  if (!node) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const piece = node.parentElement && node.parentElement.closest("[data-s]");
    if (!piece) return null;
    return Number(piece.dataset.s) + cpLength(node.textContent.slice(0, offset));
  }
  const el = node;
  if (el.dataset && el.dataset.s !== undefined) {
    return offset === 0 ? Number(el.dataset.s) : Number(el.dataset.s) + cpLength(el.textContent);
  }
  const kids = el.childNodes || [];
  for (let i = offset; i < kids.length; i += 1) {
    const k = kids[i];
    const p = k.dataset && k.dataset.s !== undefined ? k : k.querySelector && k.querySelector("[data-s]");
    if (p) return Number(p.dataset.s);
  }
  for (let i = Math.min(offset, kids.length) - 1; i >= 0; i -= 1) {
    const k = kids[i];
    const all = k.dataset && k.dataset.s !== undefined ? [k] : (k.querySelectorAll ? [...k.querySelectorAll("[data-s]")] : []);
    if (all.length) {
      const last = all[all.length - 1];
      return Number(last.dataset.s) + cpLength(last.textContent);
    }
  }
  return null;
}

function render({ model, el }) {
  const root = h("div", { class: "rk-wb rk-coding" });
  ownKeys(root);
  el.appendChild(root);

  let tab = "codes";
  let search = "";
  const chars = new Map(); // turn -> array of code points
  const turnEls = new Map(); // turn -> text element

  const top = h("div", { class: "rk-top" });
  const notices = h("div", { class: "rk-notices" });
  const transcript = h("div", { class: "rk-transcript", "aria-label": "transcript" });
  const selectionBox = h("div", { class: "rk-selection" });
  const tabBar = h("div", {});
  const tabBody = h("div", { class: "rk-tab-body" });
  const side = h("div", { class: "rk-side" }, selectionBox, tabBar, tabBody);
  root.append(top, notices, messageBar(model), h("div", { class: "rk-main" }, transcript, side),
              h("div", { class: "rk-keys", text: L(model, "keys") }));

  // -- top bar ---------------------------------------------------------------------

  function drawTop() {
    clear(top);
    const doc = model.get("doc") || {};
    const docs = model.get("documents") || [];
    const st = model.get("status") || {};
    top.appendChild(select(docs.map((d) => ({ value: d.doc_id,
      label: `${d.date ? d.date + " · " : ""}${d.title}${d.mine ? ` (${d.mine})` : ""}` })),
      doc.doc_id, (v) => send(model, "open", { doc_id: v }), { class: "rk-doc-select", "aria-label": L(model, "document") }));
    const saved = st.pending ? `${st.pending} ${L(model, "pending")}` :
      (st.saved_at ? `${L(model, "saved")} ${st.saved_at}` : L(model, "not_saved"));
    top.appendChild(h("span", { class: "rk-status" + (st.pending ? " rk-status-warn" : ""), title: st.file || "" },
      h("b", { text: st.coder || "" }), st.blind ? h("span", { class: "rk-badge", text: L(model, "blind") }) : null,
      ` · ${st.segments || 0} ${L(model, "segments")} · ${saved}`));
    if (st.pending) top.appendChild(h("button", { class: "rk-retry", text: L(model, "retry"), onclick: () => send(model, "retry") }));
    top.appendChild(h("button", { class: "rk-undo", text: "↶ " + L(model, "undo"), disabled: !st.undo,
      title: st.undo ? `${L(model, "undo")}: ${st.undo}` : L(model, "nothing_to_undo"),
      onclick: () => send(model, "undo") }));
  }

  function drawNotices() {
    clear(notices);
    for (const n of model.get("notices") || []) {
      const item = h("div", { class: `rk-message rk-${n.level || "warning"}` }, h("span", { text: n.text }));
      item.appendChild(h("button", { class: "rk-dismiss", text: "×", title: L(model, "dismiss"), onclick: () => item.remove() }));
      notices.appendChild(item);
    }
  }

  // -- transcript --------------------------------------------------------------------

  function drawTranscript() {
    clear(transcript);
    chars.clear();
    turnEls.clear();
    const doc = model.get("doc") || {};
    for (const t of doc.turns || []) {
      chars.set(t.turn, Array.from(t.text));
      const text = h("div", { class: "rk-text", "data-turn": t.turn });
      turnEls.set(t.turn, text);
      transcript.appendChild(h("div", { class: "rk-turn", "data-turn": t.turn, "data-start": t.start },
        h("div", { class: "rk-who" },
          h("button", { class: "rk-turn-select", title: L(model, "select_turn"), text: "¶",
                        onclick: (ev) => { ev.stopPropagation(); send(model, "select_turn", { turn: t.turn }); } }),
          h("span", { class: "rk-speaker", text: t.speaker }),
          shownRole(t.speaker, t.role) ? h("span", { class: "rk-role", text: t.role }) : null,
          h("span", { class: "rk-turn-no", text: `${L(model, "turn")} ${t.turn}` })),
        text));
      drawTurn(t);
    }
  }

  function turnOf(n) {
    return ((model.get("doc") || {}).turns || []).find((t) => t.turn === n);
  }

  function drawTurn(t) {
    const el = turnEls.get(t.turn);
    if (!el) return;
    clear(el);
    const cps = chars.get(t.turn);
    const a0 = t.start;
    const b0 = t.start + cps.length;
    const items = [];
    for (const s of model.get("segments") || []) if (s.start < b0 && s.end > a0) items.push({ ...s, kind: "seg" });
    for (const s of model.get("suggestions") || []) if (s.start < b0 && s.end > a0) items.push({ ...s, kind: "sugg" });
    const sel = model.get("selection") || {};
    if (sel.start !== undefined && sel.start < b0 && sel.end > a0) items.push({ start: sel.start, end: sel.end, kind: "sel" });
    const cuts = new Set([a0, b0]);
    for (const it of items) {
      cuts.add(Math.max(a0, Math.min(b0, it.start)));
      cuts.add(Math.max(a0, Math.min(b0, it.end)));
    }
    const bounds = [...cuts].sort((x, y) => x - y);
    const codes = new Map((model.get("codebook") || []).map((c) => [c.code, c]));
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const a = bounds[i];
      const b = bounds[i + 1];
      if (a >= b) continue;
      const over = items.filter((it) => it.start <= a && it.end >= b);
      const piece = h("span", { "data-s": a }, cpSlice(cps, a - a0, b - a0));
      if (over.length) {
        const mine = over.filter((it) => it.kind === "seg" && it.mine);
        const theirs = over.filter((it) => it.kind === "seg" && !it.mine);
        const sugg = over.filter((it) => it.kind === "sugg");
        const cls = ["rk-mark"];
        if (mine.length) {
          const colours = mine.map((m) => tint((codes.get(m.code) || {}).color, "66"));
          piece.style.background = colours.length === 1 ? colours[0] :
            `repeating-linear-gradient(135deg, ${colours.map((c, k) => `${c} ${k * 6}px ${(k + 1) * 6}px`).join(", ")})`;
          cls.push("rk-mine");
        }
        if (theirs.length) {
          piece.style.borderBottom = `2px solid ${theirs[0].colour || "#555"}`;
          cls.push("rk-theirs");
        }
        if (sugg.length) cls.push("rk-sugg");
        if (over.some((it) => it.kind === "sel")) cls.push("rk-sel");
        piece.className = cls.join(" ");
        const names = over.filter((it) => it.kind !== "sel").map((it) => {
          const label = (codes.get(it.code) || {}).label || it.code;
          if (it.kind === "sugg") return `? ${label} (${it.evidence || "rules"})`;
          return `${label} — ${it.coder}${it.memo ? ` — ${it.memo}` : ""}`;
        });
        if (names.length) piece.title = names.join("\n");
      }
      el.appendChild(piece);
    }
  }

  function redrawTurnsBetween(ranges) {
    for (const t of (model.get("doc") || {}).turns || []) {
      const b0 = t.start + (chars.get(t.turn) || []).length;
      if (ranges.some(([s, e]) => s < b0 && e > t.start)) drawTurn(t);
    }
  }

  transcript.addEventListener("mouseup", (ev) => {
    if (ev.target.closest && ev.target.closest(".rk-who")) return;
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    if (!transcript.contains(range.commonAncestorContainer)) return;
    if (sel.isCollapsed) {
      const at = pointOffset(range.startContainer, range.startOffset);
      if (at !== null && ev.target.closest && ev.target.closest(".rk-mark")) send(model, "select_at", { offset: at });
      return;
    }
    const s = pointOffset(range.startContainer, range.startOffset);
    const e = pointOffset(range.endContainer, range.endOffset);
    if (s !== null && e !== null && e > s) send(model, "select", { start: s, end: e });
  });

  // -- side: selection ------------------------------------------------------------------

  function drawSelection() {
    clear(selectionBox);
    const sel = model.get("selection") || {};
    const st = model.get("status") || {};
    const codes = new Map((model.get("codebook") || []).map((c) => [c.code, c]));
    selectionBox.appendChild(h("div", { class: "rk-h", text: L(model, "selection") }));
    if (sel.start === undefined) {
      selectionBox.appendChild(h("div", { class: "rk-muted", text: st.can_code === false ? L(model, "no_codebook") : L(model, "no_selection") }));
      return;
    }
    selectionBox.appendChild(h("div", { class: "rk-quote", text: `« ${cut(sel.text, 280)} »` }));
    selectionBox.appendChild(h("div", { class: "rk-muted", text: `${sel.speaker || ""} · ${L(model, "turn")} ${sel.turn} · ${sel.start}–${sel.end}` }));
    selectionBox.appendChild(h("div", { class: "rk-row" },
      h("button", { class: "rk-whole-turn", text: L(model, "whole_turn"), onclick: () => send(model, "select_turn", { turn: sel.turn }) }),
      h("button", { class: "rk-clear", text: L(model, "clear"), onclick: () => send(model, "clear") })));
    if (sel.suggestion) {
      const sg = sel.suggestion;
      selectionBox.appendChild(h("div", { class: "rk-suggestion" },
        h("span", { text: `${L(model, "suggested")} ` }), h("b", { text: (codes.get(sg.code) || {}).label || sg.code }),
        h("span", { class: "rk-muted", text: ` (${sg.evidence || ""})` }),
        h("div", { class: "rk-row" },
          h("button", { class: "rk-accept", text: L(model, "accept"), onclick: () => send(model, "accept", { id: sg.id }) }),
          h("button", { class: "rk-reject", text: L(model, "reject"), onclick: () => send(model, "reject", { id: sg.id }) }))));
    }
    if ((sel.others || []).length) {
      selectionBox.appendChild(h("div", { class: "rk-muted", text: `${L(model, "others_coded")} ` +
        sel.others.map((o) => `${(codes.get(o.code) || {}).label || o.code} (${o.coder})`).join(", ") }));
    }
    const memo = h("textarea", { class: "rk-memo", rows: 2, placeholder: L(model, "memo") });
    memo.value = sel.memo || "";
    const hasCodes = (sel.codes || []).length > 0;
    memo.disabled = !hasCodes;
    selectionBox.appendChild(memo);
    selectionBox.appendChild(h("div", { class: "rk-row" },
      h("button", { class: "rk-save-memo", text: L(model, "save_memo"), disabled: !hasCodes,
                    onclick: () => send(model, "memo", { text: memo.value }) }),
      hasCodes ? null : h("span", { class: "rk-muted", text: L(model, "memo_needs_code") })));
  }

  // -- side: tabs -------------------------------------------------------------------------

  function drawTabs() {
    clear(tabBar);
    const names = [["codes", L(model, "codes")]];
    if ((model.get("status") || {}).suggest) names.push(["suggestions", `${L(model, "suggestions")} (${(model.get("suggestions") || []).length})`]);
    names.push(["retrieval", L(model, "retrieval")]);
    tabBar.appendChild(tabs(names, tab, (k) => {
      if ((k === "suggestions") !== (tab === "suggestions")) send(model, "watch_scores", { on: k === "suggestions" });
      tab = k; drawTabs(); drawBody();
    }));
  }

  function visibleCodes() {
    const all = model.get("codebook") || [];
    if (!search) return all;
    const q = fold(search);
    const hit = new Set(all.filter((c) => fold(`${c.label} ${c.code} ${c.definition}`).includes(q)).map((c) => c.code));
    const byCode = new Map(all.map((c) => [c.code, c]));
    for (const code of [...hit]) {
      let p = (byCode.get(code) || {}).parent;
      while (p) { hit.add(p); p = (byCode.get(p) || {}).parent; }
    }
    return all.filter((c) => hit.has(c.code));
  }

  function drawCodes() {
    const sel = model.get("selection") || {};
    const st = model.get("status") || {};
    const input = h("input", { class: "rk-code-search", type: "search", placeholder: L(model, "search_codes"), value: search });
    input.addEventListener("input", () => { search = input.value; drawCodeList(list); });
    const list = h("div", { class: "rk-tree" });
    tabBody.append(input, list);
    drawCodeList(list);
    return { input, sel, st };
  }

  function drawCodeList(list) {
    clear(list);
    const sel = model.get("selection") || {};
    const st = model.get("status") || {};
    const applied = new Set(sel.codes || []);
    let n = 0;
    for (const c of visibleCodes()) {
      const box = h("input", { type: "checkbox", class: "rk-code-box", "data-code": c.code });
      box.checked = applied.has(c.code);
      box.disabled = !c.codable || sel.start === undefined || st.can_code === false;
      box.addEventListener("change", () => send(model, "toggle", { code: c.code }));
      const key = c.codable && n < 9 ? String(++n) : null;
      list.appendChild(h("label", { class: "rk-code" + (c.codable ? "" : " rk-folder"), style: { paddingLeft: `${0.3 + c.depth * 1.1}em` },
                                    title: c.definition || "", "data-code": c.code },
        box,
        h("span", { class: "rk-swatch", style: { background: c.color || "#999" } }),
        h("span", { class: "rk-code-text" },
          h("span", { class: "rk-code-label", text: c.label }),
          key ? h("span", { class: "rk-key", text: key }) : null,
          h("span", { class: "rk-code-id", text: c.code }),
          c.definition ? h("span", { class: "rk-definition", text: c.definition }) : null)));
    }
  }

  function drawSuggestions() {
    const doc = model.get("doc") || {};
    const codes = new Map((model.get("codebook") || []).map((c) => [c.code, c]));
    const items = model.get("suggestions") || [];
    tabBody.appendChild(h("div", { class: "rk-row" },
      h("button", { class: "rk-prev", text: L(model, "previous"), onclick: () => send(model, "next_suggestion", { direction: -1 }) }),
      h("button", { class: "rk-next", text: L(model, "next"), onclick: () => send(model, "next_suggestion", { direction: 1 }) })));
    if (!items.length) tabBody.appendChild(h("div", { class: "rk-muted", text: L(model, "no_suggestions") }));
    const turns = doc.turns || [];
    for (const s of items.slice(0, 200)) {
      const t = turns.find((x) => x.start <= s.start && x.end >= s.start);
      const excerpt = t ? cpSlice(chars.get(t.turn) || [], s.start - t.start, s.end - t.start) : "";
      tabBody.appendChild(h("div", { class: "rk-sugg-item", "data-id": s.id },
        h("div", { class: "rk-clickable", onclick: () => send(model, "goto", { doc_id: doc.doc_id, start: s.start, end: s.end }) },
          h("b", { text: (codes.get(s.code) || {}).label || s.code }), " ",
          h("span", { class: "rk-muted", text: s.evidence || "" }),
          h("div", { class: "rk-quote", text: cut(excerpt, 160) })),
        h("div", { class: "rk-row" },
          h("button", { class: "rk-accept", text: "✓", title: L(model, "accept"), onclick: () => send(model, "accept", { id: s.id }) }),
          h("button", { class: "rk-reject", text: "✗", title: L(model, "reject"), onclick: () => send(model, "reject", { id: s.id }) }))));
    }
    tabBody.appendChild(h("div", { class: "rk-h", text: L(model, "rule_scores") }));
    const scores = model.get("scores") || [];
    if (!scores.length) { tabBody.appendChild(h("div", { class: "rk-muted", text: L(model, "no_scores") })); return; }
    const ordered = [...scores.filter((r) => r.code.startsWith("(")), ...scores.filter((r) => !r.code.startsWith("("))];
    tabBody.appendChild(table([
      { key: "label", label: L(model, "code") },
      { label: L(model, "precision"), cls: "rk-num", render: (r) => fmt(r.precision) },
      { label: L(model, "recall"), cls: "rk-num", render: (r) => fmt(r.recall) },
      { label: L(model, "f1"), cls: "rk-num", render: (r) => fmt(r.f1) },
      { label: "VP/FP/FN", cls: "rk-num", render: (r) => `${r.true_positives}/${r.false_positives}/${r.false_negatives}` },
    ], ordered, null, { cls: "rk-scores", rowClass: (r) => (r.code.startsWith("(") ? "rk-total" : "") }));
  }

  function drawRetrieval() {
    const codes = model.get("codebook") || [];
    const r = model.get("retrieval") || {};
    tabBody.appendChild(select([{ value: "", label: L(model, "pick_code") },
      ...codes.map((c) => ({ value: c.code, label: `${"  ".repeat(c.depth)}${c.label}` }))], r.code || "",
      (v) => v && send(model, "retrieve", { code: v }), { class: "rk-retrieve-code" }));
    if (!r.rows) return;
    tabBody.appendChild(h("div", { class: "rk-muted", text: `${r.total} ${L(model, "segments")}` }));
    for (const row of r.rows.slice(0, 300)) {
      tabBody.appendChild(h("div", { class: "rk-retrieved rk-clickable",
                                     onclick: () => send(model, "goto", { doc_id: row.doc_id, start: row.start_char, end: row.end_char }) },
        h("div", { class: "rk-muted", text: `${row.title} · ${row.speaker} · ${row.coder}` }),
        h("div", { class: "rk-quote", text: row.text })));
    }
  }

  function drawBody() {
    clear(tabBody);
    if (tab === "codes") drawCodes();
    else if (tab === "suggestions") drawSuggestions();
    else drawRetrieval();
  }

  // -- keys -------------------------------------------------------------------------------

  root.addEventListener("keydown", (ev) => {
    if (typing(ev)) {
      if (ev.key === "Escape") ev.target.blur();
      ev.stopPropagation();
      return;
    }
    const k = ev.key;
    let done = true;
    if ((ev.ctrlKey || ev.metaKey) && (k === "z" || k === "Z")) send(model, "undo");
    else if (ev.ctrlKey || ev.metaKey || ev.altKey) done = false;
    else if (/^[1-9]$/.test(k)) {
      const codable = visibleCodes().filter((c) => c.codable);
      const c = codable[Number(k) - 1];
      if (c && (model.get("selection") || {}).start !== undefined) send(model, "toggle", { code: c.code });
    } else if (k === "t") send(model, "select_turn", {});
    else if (k === "u") send(model, "undo");
    else if (k === "a") send(model, "accept", {});
    else if (k === "r") send(model, "reject", {});
    else if (k === "n") send(model, "next_suggestion", { direction: 1 });
    else if (k === "p") send(model, "next_suggestion", { direction: -1 });
    else if (k === "Escape") send(model, "clear");
    else if (k === "/") {
      if (tab !== "codes") {
        if (tab === "suggestions") send(model, "watch_scores", { on: false });
        tab = "codes"; drawTabs(); drawBody();
      }
      const input = tabBody.querySelector(".rk-code-search");
      if (input) input.focus();
    } else done = false;
    if (done) { ev.preventDefault(); ev.stopPropagation(); }
  });

  // -- changes from Python ----------------------------------------------------------------

  let lastSel = model.get("selection") || {};
  model.on("change:doc", () => { drawTranscript(); drawTop(); transcript.scrollTop = 0; });
  model.on("change:segments", () => { drawTranscript(); });
  model.on("change:suggestions", () => { drawTranscript(); drawTabs(); if (tab === "suggestions") drawBody(); });
  model.on("change:selection", () => {
    const sel = model.get("selection") || {};
    const ranges = [];
    if (lastSel.start !== undefined) ranges.push([lastSel.start, lastSel.end]);
    if (sel.start !== undefined) ranges.push([sel.start, sel.end]);
    lastSel = sel;
    redrawTurnsBetween(ranges);
    drawSelection();
    if (tab === "codes") { const list = tabBody.querySelector(".rk-tree"); if (list) drawCodeList(list); }
  });
  model.on("change:status", () => { drawTop(); drawTabs(); });
  model.on("change:documents", drawTop);
  model.on("change:scores", () => { if (tab === "suggestions") drawBody(); });
  model.on("change:retrieval", () => { if (tab === "retrieval") drawBody(); });
  model.on("change:notices", drawNotices);
  model.on("change:scroll_to", () => {
    const f = model.get("scroll_to") || {};
    for (const t of (model.get("doc") || {}).turns || []) {
      if (t.start <= f.start && t.end >= f.start) {
        const node = transcript.querySelector(`.rk-turn[data-turn="${t.turn}"]`);
        if (node) transcript.scrollTop = node.offsetTop - transcript.offsetTop - 40;
        break;
      }
    }
  });

  drawTop();
  drawNotices();
  drawTranscript();
  drawSelection();
  drawTabs();
  drawBody();
}

export default { render };
