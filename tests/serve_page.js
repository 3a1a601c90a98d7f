// Runs the page's script (as `serve` sends it) against a minimal DOM and a report, and
// checks what it shows: the summary first, most errors first, every finding with its
// place and a report document's sentence, the filters.
// Usage: node tests/serve_page.js PAGE.html REPORT.json [TEXT...]  (TEXTs must be shown)
"use strict";
const fs = require("fs");
const vm = require("vm");
const [html, reportPath, ...mustShow] = process.argv.slice(2);
const page = fs.readFileSync(html, "utf8");
const report = fs.readFileSync(reportPath, "utf8");
const script = page.split("<script>")[1].split("</script>")[0];

class El {
  constructor(tag) {
    this.tag = tag; this.children = []; this.attrs = {}; this.className = "";
    this.dataset = {}; this.listeners = {}; this._text = "";
    const self = this;
    this.classList = {
      add(c) { if (!self.classes().includes(c)) self.className = (self.className + " " + c).trim(); },
      remove(c) { self.className = self.classes().filter(x => x !== c).join(" "); },
      toggle(c, on) { if (on === undefined) on = !self.classes().includes(c); on ? this.add(c) : this.remove(c); },
      contains(c) { return self.classes().includes(c); },
    };
  }
  classes() { return this.className.split(/\s+/).filter(Boolean); }
  append(...cs) { for (const c of cs) this.children.push(typeof c === "object" ? c : { textContent: String(c), children: [] }); }
  replaceChildren(...cs) { this.children = []; this._text = ""; this.append(...cs); }
  setAttribute(k, v) { this.attrs[k] = v; if (k === "id") ids[v] = this; }
  addEventListener(k, f) { this.listeners[k] = f; }
  get textContent() { return this._text + this.children.map(c => c.textContent).join(""); }
  set textContent(v) { this._text = String(v); this.children = []; }
  get childNodes() { return this.children; }
  remove() {} scrollIntoView() {} click() {}
}
const ids = {};
const all = root => [root, ...(root.children || []).flatMap(c => c instanceof El ? all(c) : [])];
const document = {
  createElement: t => new El(t),
  getElementById: id => (ids[id] = ids[id] || new El("div")),
  querySelectorAll: sel => all(ids.result).filter(e => e.classList && e.classList.contains(sel.slice(1))),
  body: new El("body"), title: "",
};
const ctx = { all, document, location: { search: "?token=abc" }, URLSearchParams, console, JSON, Map, Set, Object, Math, Date, Promise };
vm.createContext(ctx);
vm.runInContext(script + `
report = ${report};
render();
const out = document.getElementById("result");
const findings = document.querySelectorAll(".finding");
globalThis.result = {
  text: out.textContent,
  findings: findings.length,
  hidden: () => document.querySelectorAll(".finding").filter(c => c.classList.contains("hidden")).length,
  filter: (sev, on) => { shown[sev] = on; apply(); },
  rule: code => { shown.rule = code; apply(); },
  expected: report.findings.length,
  errors: report.findings.filter(f => f.severity === "error").length,
  rows: all(out).filter(e => e.classList && e.classList.contains("row")).map(r => Number(r.children[2].textContent)),
  quotes: report.findings.filter(f => f.quote).map(f => f.quote),
};`, ctx);
const r = ctx.result;
const fail = m => { console.error("FAIL: " + m); process.exit(1); };
if (r.findings !== r.expected) fail(`${r.findings} findings shown, ${r.expected} in the report`);
for (const t of mustShow) if (!r.text.includes(t)) fail(`"${t}" is not shown`);
for (const q of r.quotes) if (!r.text.includes(q)) fail(`the sentence "${q}" is not shown`);
if (r.rows.length === 0) fail("no summary row");
for (let i = 1; i < r.rows.length; i++) if (r.rows[i] > r.rows[i - 1]) fail(`summary not by errors: ${r.rows}`);
if (r.hidden() !== 0) fail("findings hidden before any filter");
r.filter("error", false);
if (r.hidden() !== r.errors) fail(`hiding errors hid ${r.hidden()}, not ${r.errors}`);
r.filter("error", true);
const codes = [...new Set(JSON.parse(report).findings.map(f => f.code))];
if (codes.length > 1) {
  r.rule(codes[0]);
  if (r.hidden() === 0) fail("the rule filter hid nothing");
}
console.log(`ok: ${r.findings} findings, ${r.rows.length} submissions (errors ${r.rows}), ${r.quotes.length} sentences rendered; filters work`);
