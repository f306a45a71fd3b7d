/**
 * The HTML report's one stylesheet (inline: the CSP allows only inline styles): a
 * plain screen layout, and a print layout for A4 in which nothing is wider than the
 * page (long ids and paths wrap, figures scale down, rows do not split across pages).
 */
export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 16px 24px 40px; font: 14px/1.45 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 26px 0 8px; padding-bottom: 3px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 6px 0; }
code, .id { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
td, th, dd, li, p { overflow-wrap: break-word; }
code { overflow-wrap: anywhere; }
code.id { overflow-wrap: normal; }
td.rules { font-size: 11.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 12.5px; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
.result { margin: 10px 0; padding: 10px 14px; border: 2px solid; border-radius: 6px; font-size: 15px; font-weight: 600; }
.result-0 { border-color: #1a7f37; background: #dafbe1; }
.result-1 { border-color: #b35900; background: #fff1e5; }
.result-2 { border-color: #d1242f; background: #ffebe9; }
.warnings { margin: 8px 0; padding: 8px 14px 8px 30px; border-left: 5px solid #bf8700; background: #fff8c5; }
.warnings li { margin: 2px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.map-area { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.map-area figure { margin: 0; flex: 1 1 640px; min-width: 0; }
.map-area aside { flex: 0 1 260px; font-size: 12.5px; }
.map-area aside dt { font-weight: 600; margin-top: 6px; }
.map-area aside dd { margin: 0 0 0 10px; }
svg.map, svg.timeline { max-width: 100%; height: auto; display: block; }
svg .edge-label { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #1f2328; }
svg .node-label { font: 600 13px "DejaVu Sans", Arial, sans-serif; fill: #1f2328; }
svg .axis { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #57606a; }
ul.legend { list-style: none; padding: 0; margin: 6px 0; font-size: 12.5px; }
ul.legend li { margin: 2px 0; }
ul.legend svg { vertical-align: middle; }
ul.legend-inline li { display: inline-block; margin-right: 14px; }
.status { white-space: nowrap; font-weight: 600; }
.status-seen { color: #1a7f37; }
.status-blocked { color: #b35900; }
.status-wrong-direction { color: #8250df; }
.status-inconclusive { color: #57606a; }
.status-unseen { color: #6e7781; font-weight: 400; }
.verdict-blocked, .verdict-unexpected, .verdict-wrong-direction { font-weight: 600; }
.muted { color: #57606a; }
.howto li { margin: 3px 0; }
.signoff { margin-top: 12px; padding: 10px 14px; border: 1px solid #d0d7de; border-radius: 6px; }
footer { margin-top: 28px; font-size: 12px; color: #57606a; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table { font-size: 8pt; }
  th, td { padding: 2px 3px; }
  code, .id { font-size: 7.5pt; }
  .map-area { display: block; }
  .map-area aside { margin-top: 8px; }
  figure, svg { break-inside: avoid; }
  .result, .warnings { break-inside: avoid; }
}
`;
