// The status page's only stylesheet, inlined (no build step, no second request). Readable
// from 320 px wide up; colours carry meaning and the bars also say it in text. Every text
// colour meets WCAG AA (4.5:1) on its background in both schemes (checked by axe-core in
// the e2e test): fills (--good, --bad, --fair) are for bars; text uses the *-text colours.
export const PAGE_CSS = `
:root{--bg:#0f1115;--card:#181b22;--line:#2a2f3a;--text:#e6e8ee;--muted:#9aa3b2;--good:#2fb96c;--fair:#e0b341;--bad:#e5534b;--none:#3a3f4b;--accent:#6ea8fe;
--good-text:#2fb96c;--bad-text:#e5534b;--fair-text:#e0b341;--pill-good:#177a42;--pill-bad:#c0392b;--pill-accent:#2d5db0;--fill:#2d5db0}
@media (prefers-color-scheme: light){:root{--bg:#f6f7f9;--card:#fff;--line:#e3e6eb;--text:#1d2330;--muted:#5d6675;--none:#d9dde3;--accent:#1f5fbf;
--good-text:#157a3e;--bad-text:#c4302b;--fair-text:#8a5a00;--fill:#9cc2ff}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--text)}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.4rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 10px}h2 small,h4 small{color:var(--muted);font-weight:400}
h3{font-size:1rem;margin:0;flex:1;min-width:0;overflow-wrap:anywhere}h4{font-size:.95rem;margin:12px 0 6px}
.summary{padding:14px 16px;border-radius:10px;background:var(--card);border:1px solid var(--line);display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center}
.summary .headline{font-weight:600;font-size:1.05rem;flex-basis:100%}.summary.ok .headline{color:var(--good-text)}.summary.bad .headline{color:var(--bad-text)}
.refresh{margin-left:auto;font:inherit;font-size:.85rem;padding:2px 10px;border-radius:6px;border:1px solid var(--line);background:var(--card);color:var(--text);cursor:pointer}
.muted,.meta{color:var(--muted);font-size:.88rem}
.version{color:var(--muted);font-size:.82rem;margin:2px 0 6px}.version.differs{color:var(--fair-text)}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;margin:10px 0}
.card header{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px}
.pill{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:999px;font-size:.78rem;font-weight:600;text-transform:uppercase;letter-spacing:.02em;background:var(--none);color:var(--text)}
.pill.up,.pill.fresh{background:var(--pill-good);color:#fff}.pill.down,.pill.stale{background:var(--pill-bad);color:#fff}.pill.waking,.pill.degraded{background:var(--fair);color:#1d2330}.pill.maintenance{background:var(--pill-accent);color:#fff}
.maint{font-size:.88rem;margin:6px 0;padding:6px 10px;border-left:3px solid var(--accent);background:var(--bg)}.regions{margin:4px 0}
ul.windows{margin:0;padding-left:18px}ul.windows li{margin:4px 0}
.uptime{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.88rem;color:var(--muted);margin:8px 0 4px}.uptime b{color:var(--text)}
.bars{display:flex;gap:2px;height:22px;margin:4px 0}.bars.hours{height:14px}
.bars i{flex:1;border-radius:2px;background:var(--none);min-width:1px}.bars i.g{background:var(--good)}.bars i.f{background:var(--fair)}.bars i.b{background:var(--bad)}
.bars:focus{outline:2px solid var(--accent);outline-offset:2px}.bars-detail{display:none;font-size:.8rem;color:var(--text);margin:2px 0 6px}
.bars:hover+.bars-detail,.bars:focus+.bars-detail{display:block}
.bars-caption{display:flex;justify-content:space-between;font-size:.72rem;color:var(--muted);margin-top:-2px}
table.compact{width:100%;border-collapse:collapse;font-size:.85rem}table.compact td,table.compact th{text-align:left;padding:4px 6px;border-top:1px solid var(--line)}
.error{color:var(--bad-text);font-size:.88rem;margin:6px 0;overflow-wrap:anywhere}.hf{font-size:.88rem;margin:6px 0}
.gpus{list-style:none;margin:0;padding:0;display:grid;gap:6px}.gpus li{display:grid;grid-template-columns:minmax(0,1fr) minmax(120px,2fr);gap:8px;align-items:center;font-size:.88rem}
.usage{position:relative;height:18px;border-radius:4px;background:var(--none);overflow:hidden}.usage-fill{position:absolute;inset:0 auto 0 0;background:var(--fill)}
.usage-text{position:relative;padding:0 6px;font-size:.75rem;line-height:18px;font-variant-numeric:tabular-nums}.usage.unknown{background:repeating-linear-gradient(45deg,var(--none),var(--none) 6px,transparent 6px,transparent 12px)}
table.workers{width:100%;border-collapse:collapse;margin-top:10px;font-size:.85rem}table.workers th,table.workers td{text-align:left;padding:4px 6px;border-top:1px solid var(--line);overflow-wrap:anywhere}
table.workers th{color:var(--muted);font-weight:500}
@media (max-width:560px){.card header .meta{flex-basis:100%}table.workers th:nth-child(4),table.workers td:nth-child(4),table.workers th:nth-child(6),table.workers td:nth-child(6){display:none}.gpus li{grid-template-columns:1fr}}
ul.incidents{margin:0;padding-left:18px}footer{margin:32px 0 8px;color:var(--muted);font-size:.85rem}.usage-line{margin:6px 0 0}.usage-line .warning,.usage-line .critical{color:var(--text);font-weight:600}a{color:var(--accent)}

.chart{display:block;width:100%;height:auto;margin:6px 0}.chart.latency:not(.large){height:44px}
.chart .max{fill:var(--fill);opacity:.55}.chart .p50{fill:none;stroke:var(--accent);stroke-width:2;vector-effect:non-scaling-stroke}.chart .p50-dot{fill:var(--accent)}
.chart .fail{fill:var(--bad)}.chart .grid{stroke:var(--line);stroke-width:1}.chart .axis{fill:var(--muted);font-size:11px}
.legend .key{display:inline-block;width:12px;height:10px;margin:0 4px 0 10px;vertical-align:middle}.legend .key.p50{background:var(--accent);height:3px}.legend .key.max{background:var(--fill)}.legend .key.fail{background:var(--bad)}
.announcements{margin:10px 0}.announcement{margin:6px 0;padding:8px 12px;border-radius:8px;border-left:4px solid var(--accent);background:var(--card)}.announcement.warning{border-color:var(--fair)}.announcement.critical{border-color:var(--bad)}
ul.notes{margin:4px 0;padding-left:18px;font-size:.88rem}ul.incidents li{margin:6px 0}ul.events,ul.stages{margin:0;padding-left:18px;font-size:.88rem}
.group-name{font-size:1rem;margin:18px 0 4px;color:var(--text)}.card .name{font-size:1rem;margin:0;flex:1;min-width:0;overflow-wrap:anywhere}
.crumbs{margin:0 0 4px;font-size:.85rem;color:var(--muted)}h1 .pill{vertical-align:middle;margin-left:6px}
table.checks caption{text-align:left;padding:4px 0}table.checks td.error-cell{overflow-wrap:break-word;color:var(--bad-text)}
.gpus li .gpu-chart{grid-column:1/-1}
`;
