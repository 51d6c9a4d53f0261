// The staff interface's whole look: calm, large type, one obvious primary action per page, and
// status shown in words as well as colour. All of it lives here, none inline in the templates,
// because the staff pages' Content-Security-Policy allows styles from /staff/assets only.
export const STAFF_CSS = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#b0b0b0;--accent:#0b4f8a;--bg:#fff;--warn:#a4220e;--ok:#1d5e20;--focus:#f2a900}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,.error-summary:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:var(--ink);padding:.5rem;z-index:2}
header.staff{background:#1f2d3a;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header.staff a,header.staff button.link{color:#fff}
header.staff .brand{font-weight:700;font-size:1.15rem;text-decoration:none}
nav.staff ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
nav.staff form{display:inline;margin:0}
button.link{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer}
main{max-width:44rem;margin:0 auto;padding:1rem}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{color:var(--muted);margin:0 0 .25rem;font-size:.9375rem}
input[type=email],input[type=password],input[type=text]{width:100%;max-width:26rem;font:inherit;padding:.45rem .5rem;border:2px solid var(--ink);border-radius:0}
input[aria-invalid=true]{border-color:var(--warn)}
.field-error{color:var(--warn);font-weight:600;margin:0 0 .25rem}
button.primary{font:inherit;font-weight:600;background:var(--ok);color:#fff;border:0;padding:.55rem 1.1rem;cursor:pointer}
.error-summary{border:4px solid var(--warn);padding:.75rem 1rem;margin:0 0 1.5rem}
.error-summary h2{margin:0 0 .5rem;font-size:1.2rem}
.error-summary a{color:var(--warn);font-weight:600}
.notice{border-left:4px solid var(--ok);padding:.5rem .75rem;background:#f1f7f1}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ul.notices{padding-left:1.2rem}
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c3c8cf;--soft:#f4f6f8;--accent:#0b4f8a;--warn:#a4220e;--ok:#1d5e20;--amber:#6b4a00}
main{max-width:74rem;padding:1.25rem 1.25rem 3rem}
h1{font-size:1.85rem;line-height:1.2;margin:.5rem 0 1rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem}
h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
p,li{max-width:48rem}
.lead{font-size:1.15rem;color:var(--muted);margin-top:-.25rem}
header.staff{padding:.6rem 1.25rem}
nav.staff a{text-decoration:none;padding:.2rem .1rem;border-bottom:3px solid transparent}
nav.staff a:hover{border-bottom-color:#9fb3c8}
nav.staff a[aria-current=page]{border-bottom-color:#fff;font-weight:700}
.who{margin-left:auto;font-size:.9375rem;color:#dfe6ee}
.paused{background:#fff4d6;border-bottom:3px solid var(--amber);color:#3d2b00;padding:.6rem 1.25rem;font-weight:600}
.paused p{margin:0;max-width:none}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0 1.5rem}
.button,button.primary,button.secondary,button.danger{display:inline-block;font:inherit;font-weight:600;line-height:1.3;padding:.6rem 1.15rem;border-radius:4px;cursor:pointer;text-decoration:none;border:2px solid transparent}
.button.primary,button.primary{background:var(--ok);color:#fff;border-color:var(--ok)}
.button.primary:hover,button.primary:hover{background:#154a18}
.button.secondary,button.secondary{background:#fff;color:var(--accent);border-color:var(--accent)}
.button.secondary:hover,button.secondary:hover{background:#eef4fa}
.button.danger,button.danger{background:var(--warn);color:#fff;border-color:var(--warn)}
button.small,.button.small{padding:.3rem .7rem;font-size:.9375rem}
.card{border:1px solid var(--line);border-radius:6px;padding:1rem 1.15rem;margin:0 0 1rem;background:#fff}
.card h2,.card h3{margin-top:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr))}
.notice{margin:0 0 1.25rem}
.callout{border-left:5px solid var(--amber);background:#fff8e6;padding:.75rem 1rem;margin:0 0 1.25rem}
.callout.danger{border-left-color:var(--warn);background:#fdf0ee}
.callout p{margin:.25rem 0}
.empty{color:var(--muted)}
.meta{color:var(--muted);font-size:.9375rem}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.875rem;font-weight:600;border:1px solid currentColor;white-space:nowrap;vertical-align:.1em}
.badge.exercise{background:#ffd400;color:#000;border-color:#000}
.notice.exercise-notice{border-left:6px solid #000;background:#fff6c2;color:#000}
.sev-info{color:#1f4e79}.sev-minor{color:#5c4400}.sev-major,.sev-critical{color:var(--warn)}
.sev-critical{background:#fdf0ee}
.kind-correction{color:#6b3d00}.kind-all_clear{color:var(--ok)}
.status{display:inline-flex;gap:.35rem;align-items:center;padding:.15rem .55rem;border-radius:4px;font-weight:600;font-size:.9375rem;border:1px solid;white-space:nowrap}
.st-published,.st-ok{background:#e7f3e8;color:#14461a;border-color:#6fa173}
.st-failed,.st-failing{background:#fdecea;color:#86180a;border-color:#d88a80}
.st-pending,.st-sending,.st-unknown{background:#fff4d6;color:#4d3700;border-color:#d4b45c}
.st-skipped,.st-cancelled{background:#f0f0f0;color:#333;border-color:#9a9a9a}
.table-wrap{overflow-x:auto;margin:0 0 1rem}
table.table{border-collapse:collapse;width:100%;font-size:.975rem}
table.table th,table.table td{text-align:left;vertical-align:top;padding:.6rem .65rem;border-bottom:1px solid var(--line)}
table.table thead th{background:var(--soft);border-bottom:2px solid #8a929c;font-size:.9rem}
table.table td p,table.table th p{margin:.15rem 0}
table.table th[scope=row] .meta,table.table th[scope=row] p{font-weight:400}
.nowrap{white-space:nowrap}
.advice{font-size:.9375rem}
.advice strong{display:block}
details{margin:.25rem 0 1.25rem}
td details{margin:.25rem 0}
summary{cursor:pointer;color:var(--accent);font-weight:600}
summary:focus-visible{outline:3px solid var(--focus,#f2a900);outline-offset:2px}
.sent{white-space:pre-wrap;background:var(--soft);padding:.5rem;border-radius:4px;font-size:.9375rem;max-width:36rem}
textarea,select,input[type=url],input[type=text],input[type=email],input[type=password]{font:inherit;padding:.5rem .6rem;border:2px solid var(--ink);border-radius:3px;background:#fff;width:100%;max-width:40rem}
textarea{min-height:9rem;line-height:1.45}
textarea.short{min-height:4.5rem}
select{width:auto;max-width:100%}
textarea[aria-invalid=true],select[aria-invalid=true]{border-color:var(--warn)}
fieldset{border:0;padding:0;margin:0 0 1.5rem;min-width:0}
legend{font-weight:600;padding:0;margin-bottom:.35rem}
.choice{display:flex;gap:.55rem;align-items:flex-start;margin:.35rem 0}
.choice input{width:1.3rem;height:1.3rem;margin:.15rem 0 0;flex:none;accent-color:var(--accent)}
.choice label{font-weight:400;margin:0}
.choice .hint{display:block}
.nested{margin:.5rem 0 .75rem 1.85rem;padding-left:.9rem;border-left:3px solid var(--line)}
.compose{display:grid;gap:2rem}
@media (min-width:66rem){.compose{grid-template-columns:minmax(0,1.05fr) minmax(0,1fr)}.compose .preview-column{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto}}
.preview-column h2{margin-top:0}
.preview-card{border:1px solid var(--line);border-radius:6px;margin:0 0 .85rem;background:#fff}
.preview-card header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem .75rem;padding:.5rem .75rem;background:var(--soft);border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
.preview-card h3{margin:0;font-size:1rem}
.preview-card .post{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;padding:.75rem;font:inherit;font-size:.975rem}
.preview-card footer{padding:.4rem .75rem;border-top:1px dashed var(--line);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.count-ok{color:#14461a}.count-bad{color:#86180a;font-weight:700}.count-cut{color:#4d3700;font-weight:600}
ul.warnings{list-style:none;padding:0;margin:0 0 1rem}
ul.warnings li{border-left:5px solid var(--amber);background:#fff8e6;padding:.5rem .75rem;margin:0 0 .5rem}
ul.warnings li.blocking{border-left-color:var(--warn);background:#fdf0ee}
ul.warnings a{color:inherit}
.summary-line{font-weight:600}
.notice.warning{border-left-color:var(--amber);background:#fff8e6}
.inbox-item{border:1px solid #ccc;border-left:6px solid #ccc;padding:.75rem 1rem;margin:0 0 1rem}
.inbox-item.deadline-soon{border-left-color:var(--amber);background:#fff8e6}
.inbox-item.deadline-passed{border-left-color:#b00020;background:#fdecee}
.deadline-flag{color:#6b0015}
.preview-digest ul.warnings{margin-top:.5rem}
@media (min-width:66rem){.preview-digest{display:none}}
.submit-row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;border-top:1px solid var(--line);padding-top:1rem;margin-top:1rem}
.update-list{list-style:none;padding:0;margin:0}
.update-list>li{border:1px solid var(--line);border-radius:6px;padding:.85rem 1rem;margin:0 0 .85rem}
.update-list h3{margin:0 0 .35rem}
.update-list .body{margin:.35rem 0;white-space:pre-wrap}
.inline-links{display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;margin:.5rem 0 0;padding:0;list-style:none}
.progress{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
ul.findings{margin:.25rem 0 0;padding-left:1.2rem}
ul.findings li{margin:.35rem 0}
.policy{display:block;color:var(--muted);font-size:.875rem}
form.inline{display:inline;margin:0}
ul.plain{list-style:none;padding:0;margin:0}
nav.staff button.link{text-decoration:none;border-bottom:3px solid transparent;padding:.2rem .1rem}
nav.staff button.link:hover{border-bottom-color:#9fb3c8}
.paused a{color:#3d2b00;font-weight:700}
input[type=url],input[type=date]{font:inherit;padding:.45rem .5rem;border:2px solid var(--ink);border-radius:3px;background:#fff}
input[type=date]{width:auto}
textarea[readonly]{background:var(--soft)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:flex-end;border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:0 0 1.25rem}
.filters .field{margin:0}
.filters .actions{margin:0}
fieldset.editor{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
fieldset.editor legend{padding:0 .35rem}
fieldset.editor .field{margin:0 0 .75rem}
@media (min-width:52rem){fieldset.editor{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr) auto;gap:0 1rem;align-items:end}fieldset.editor .field{margin:0}}
fieldset>p.hint{margin-bottom:.75rem}
.row-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:.25rem 0}
.row-form input[type=text]{max-width:18rem}
.row-form label{font-weight:400;font-size:.9375rem}
.platforms{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));list-style:none;padding:0}
.platforms a{display:block}
section.danger-zone{border-color:#d88a80}
/* The department list and the account checkboxes show only under the choice that uses them;
   browsers without :has() show them all, which works just as well. */
.choice:has(> input[type=radio]:not(:checked)) + .nested{display:none}
@media (max-width:40rem){
h1{font-size:1.55rem}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;width:100%}
table.stack tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.35rem .6rem}
table.stack th,table.stack td{border:0;padding:.3rem 0}
table.stack td[data-label]::before{content:attr(data-label);display:block;font-size:.8125rem;font-weight:600;color:var(--muted)}
.table-wrap{overflow:visible}
table.board tr{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:0 .75rem;align-items:start}
table.board td.board-minor{display:none}
table.board td.advice{grid-column:1 / -1}
table.board td[data-label="Status"]::before{display:none}
table.board td.advice:not([data-label]){padding:0}
}
@media (min-width:40.01rem){table.board .board-facts{display:none}}
`;
