// The after-action report's own rules: on screen inside the staff layout, and on paper without
// the staff header, the menus and the links that only make sense on screen. The archive's copy
// of the report carries the same rules inline (it is read offline, without the hub).
export const REPORT_CSS = `
body.report-document{margin:0 auto;max-width:62rem;padding:1.5rem;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a}
.report-document .facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.report-document .facts dt{font-weight:600}
.report-document .facts dd{margin:0}
.report .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.5rem 1.5rem;margin:0 0 1rem}
.report .figures div{border-left:4px solid #0b4f8a;padding:.25rem .75rem}
.report .figures dt{font-size:.9rem;color:#4a4a4a}
.report .figures dd{margin:0;font-size:1.35rem;font-weight:700}
.report figure{margin:0 0 1rem;max-width:100%;overflow-x:auto}
.report figure svg{max-width:100%;height:auto}
.report figcaption{font-size:.9375rem;color:#4a4a4a;margin:.25rem 0 0}
.report table{border-collapse:collapse;width:100%;font-size:.9375rem;margin:0 0 1.25rem}
.report th,.report td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #b0b0b0}
.report thead th{background:#f4f6f8;border-bottom:2px solid #8a929c}
.report td.number,.report th.number{text-align:right;font-variant-numeric:tabular-nums}
.report .note{color:#4a4a4a}
.report .visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
@page{margin:15mm}
body{font-size:10.5pt;color:#000;background:#fff}
header.staff,.skip,.paused,.no-print{display:none!important}
main{max-width:none;padding:0;margin:0}
a{color:#000;text-decoration:none}
.report h2{break-after:avoid}
.report figure,.report tr,.report .figures div{break-inside:avoid}
.report thead{display:table-header-group}
}
`;
