// Research Kit workbench: helpers shared by every panel (prepended to each panel's module).
// No build step, no network: plain DOM, one ES module per panel.

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return el;
}

function send(model, action, args) {
  model.send({ action, args: args || {} });
}

function L(model, key) {
  const labels = model.get("labels") || {};
  return labels[key] || key;
}

// Offsets from Python count code points; JavaScript strings count UTF-16 units.
function cpLength(s) {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

function cpSlice(chars, a, b) {
  return chars.slice(a, b).join("");
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return Number(x).toFixed(digits === undefined ? 2 : digits);
}

function cut(text, n) {
  if (!text) return "";
  return text.length <= n ? text : text.slice(0, n - 1).replace(/\s+\S*$/, "") + "…";
}

// The message bar: the last coded error (or notice) of the panel, with a dismiss button.
function messageBar(model) {
  const bar = h("div", { class: "rk-messages" });
  const draw = () => {
    clear(bar);
    const m = model.get("message") || {};
    if (!m.text) return;
    bar.appendChild(h("div", { class: `rk-message rk-${m.level || "error"}`, role: "alert" },
      h("span", { class: "rk-message-text", text: m.text }),
      h("button", { class: "rk-dismiss", title: L(model, "dismiss"), text: "×",
                    onclick: () => send(model, "dismiss") })));
  };
  model.on("change:message", draw);
  draw();
  return bar;
}

// A plain table: columns [{key, label, cls, render(row)}], rows, onRow(row, i).
function table(columns, rows, onRow, opts) {
  const o = opts || {};
  const head = h("tr", {}, columns.map((c) => h("th", { class: c.cls || "", text: c.label })));
  const body = h("tbody", {});
  rows.forEach((row, i) => {
    const tr = h("tr", { class: (o.rowClass ? o.rowClass(row, i) : "") + (onRow ? " rk-clickable" : "") });
    if (onRow) tr.addEventListener("click", (ev) => onRow(row, i, ev));
    for (const c of columns) {
      const value = c.render ? c.render(row, i) : row[c.key];
      const td = h("td", { class: c.cls || "" });
      if (value instanceof Node) td.appendChild(value);
      else td.textContent = value === null || value === undefined ? "" : String(value);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  });
  return h("table", { class: "rk-table" + (o.cls ? " " + o.cls : "") }, h("thead", {}, head), body);
}

function select(options, value, onchange, attrs) {
  const el = h("select", attrs || {});
  for (const o of options) {
    const opt = h("option", { value: o.value, text: o.label });
    if (String(o.value) === String(value)) opt.selected = true;
    el.appendChild(opt);
  }
  el.addEventListener("change", () => onchange(el.value));
  return el;
}

function tabs(names, current, onpick) {
  return h("div", { class: "rk-tabs", role: "tablist" },
    names.map(([key, label]) => h("button", {
      class: "rk-tab" + (key === current ? " rk-tab-on" : ""), role: "tab", "data-tab": key, text: label,
      onclick: () => onpick(key),
    })));
}

// Keys typed in the panel must not reach the notebook's own shortcuts (JupyterLab's
// command mode takes "a", "z", digits…): Lumino skips elements marked so.
function ownKeys(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.setAttribute("data-p-suppress-shortcuts", "true");
  el.setAttribute("tabindex", "0");
}

function typing(ev) {
  const t = ev.target;
  return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

// A concordance's left context: right-aligned, cut on the left when too long (never reordered).
function leftCell(text) {
  return h("div", { class: "rk-left-cell" }, h("span", { text: text || "" }));
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "–";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// A role is shown beside the speaker unless the speaker's label already says it (the
// pseudonyms of a pseudonymised corpus: "Habitant·e 5", role "habitant·e").
function shownRole(speaker, role) {
  if (!role) return false;
  return !String(speaker || "").toLowerCase().startsWith(String(role).toLowerCase());
}

// A hit in its turn with the turns around it (the panel's "context" trait), the hit marked.
// opts.empty: text shown when there is no context yet; opts.turnNumbers: each turn's number.
function contextBox(model, opts = {}) {
  const c = model.get("context") || {};
  const box = h("div", { class: "rk-context" });
  if (!c.rows) {
    if (opts.empty) box.appendChild(h("div", { class: "rk-muted", text: opts.empty }));
    return box;
  }
  box.appendChild(h("div", { class: "rk-h", text: `${L(model, "context")} — ${c.title} · ${L(model, "turn")} ${c.turn}` }));
  for (const r of c.rows) {
    const text = h("div", { class: "rk-text" });
    if (r.match) {
      const cps = Array.from(r.text);
      text.append(cpSlice(cps, 0, r.match[0]), h("span", { class: "rk-hit", text: cpSlice(cps, r.match[0], r.match[1]) }),
                  cpSlice(cps, r.match[1], cps.length));
    } else text.textContent = r.text;
    box.appendChild(h("div", { class: "rk-turn" + (r.is_target ? " rk-target" : "") },
      h("div", { class: "rk-who" }, h("span", { class: "rk-speaker", text: r.speaker }),
        shownRole(r.speaker, r.role) ? h("span", { class: "rk-role", text: r.role }) : null,
        opts.turnNumbers ? h("span", { class: "rk-turn-no", text: `${L(model, "turn")} ${r.turn}` }) : null), text));
  }
  return box;
}
