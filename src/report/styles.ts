/**
 * The report's stylesheet, inlined in the page: system fonts only (nothing to fetch), a layout
 * that reads on screen and in an e-mail client's browser, and print rules (A4, no sections cut
 * across pages where it can be helped, colours kept for the charts and flags).
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --faint: #6b7280; --line: #e5e7eb;
  --good: #047857; --bad: #b91c1c; --card: #f9fafb; --accent: #0072B2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 28px 48px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; background: #fff; }
header.report-head { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0; }
.meta { color: var(--muted); margin: 0; }
.note { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; background: var(--card); border-left: 3px solid #d1d5db;
  padding: 8px 12px; }
nav.toc ol { columns: 2; margin: 8px 0 0; padding-left: 20px; }
nav.toc a { color: var(--accent); text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin: 12px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .kpi-name { color: var(--muted); font-size: 13px; font-weight: 600; }
.card .kpi-value { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .kpi-ci { color: var(--faint); font-size: 12px; }
.card .kpi-change { font-size: 13px; font-variant-numeric: tabular-nums; }
.card svg { display: block; margin-top: 6px; max-width: 100%; height: auto; }
.improved { color: var(--good); }
.worsened { color: var(--bad); }
.unchanged { color: var(--muted); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--card); }
td.num, th.num { text-align: right; white-space: nowrap; }
td .ci { display: block; color: var(--faint); font-size: 11px; }
tr.base td { font-weight: 600; background: #f3f4f6; }
tr.suppressed td { color: var(--faint); font-style: italic; }
.flag { font-size: 11px; margin-left: 2px; }
.flag.better { color: var(--good); }
.flag.worse { color: var(--bad); }
.table-wrap { overflow-x: auto; }
figure { margin: 14px 0; }
figure svg.chart { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.sev { display: inline-block; min-width: 64px; text-align: center; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 600; }
.sev.error { background: #fee2e2; color: #991b1b; }
.sev.warning { background: #fef3c7; color: #92400e; }
.sev.info { background: #e0f2fe; color: #075985; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6;
  padding: 1px 4px; border-radius: 3px; word-break: break-word; }
footer { margin-top: 40px; color: var(--faint); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;
