// Statistics view: daily volumes per lane (inline SVG), operators, rule yield.
import { apiGet, withQuery, ApiError } from './api.js';
import { h, s } from './dom.js';
import { LANES, laneLabel, formatInt, formatPercent, text } from './format.js';

const FIELDS = [
  { name: 'from', label: 'From', type: 'date' },
  { name: 'to', label: 'To', type: 'date' },
  { name: 'operator', label: 'Operator', type: 'text', size: 10, placeholder: 'CN-POST' },
];

let resizeHandler = null;

export function leave() {
  if (resizeHandler) window.removeEventListener('resize', resizeHandler);
  resizeHandler = null;
}

export function render(ctx) {
  ctx.setTitle('Statistics');
  const params = ctx.route.params;
  const session = ctx.session;

  const form = h('form', { class: 'filters', id: 'stats-filters', 'data-testid': 'stats-filters', role: 'search', 'aria-label': 'Statistics filters' },
    FIELDS.map((f) => {
      const id = `stats-${f.name}`;
      let value = params.get(f.name) || '';
      if (f.type === 'date') {
        const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
        value = m ? m[1] : '';
      }
      const input = h('input', {
        id, name: f.name, type: f.type, size: f.size, placeholder: f.placeholder, value, autocomplete: 'off',
        'data-testid': id, 'aria-describedby': `${id}-error`, spellcheck: 'false',
      });
      if (f.name === 'operator' && session.operator) {
        input.value = session.operator;
        input.readOnly = true;
      }
      return h('div', { class: 'field' },
        h('label', { for: id }, f.label), input,
        h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true }));
    }),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'stats-apply', 'data-testid': 'stats-apply' }, 'Apply')));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const f of FIELDS) {
      if (f.name === 'operator' && session.operator) continue;
      const v = String(form.elements.namedItem(f.name).value || '').trim();
      if (v) q.set(f.name, v);
    }
    const qs = q.toString();
    ctx.navigate(`${ctx.queueURL()}#/stats${qs ? `?${qs}` : ''}`);
  });

  const body = h('div', { class: 'stats-body', id: 'stats-body', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading…'));
  const root = h('div', { class: 'view view-stats' },
    h('h1', { id: 'view-title', tabindex: '-1', 'data-testid': 'view-title' }, 'Statistics'),
    form,
    h('p', { class: 'hint filters-hint' }, 'Without dates the figures cover the last 30 days. Days are UTC.'),
    body);
  ctx.main.replaceChildren(root);

  const q = new URLSearchParams();
  for (const f of FIELDS) {
    const v = params.get(f.name);
    if (v) q.set(f.name, v);
  }
  if (session.operator) q.set('operator', session.operator);

  (async () => {
    try {
      const data = await apiGet(withQuery('/api/v1/stats', q), ctx.signal);
      if (!ctx.isCurrent()) return;
      show(data);
    } catch (err) {
      if (!ctx.isCurrent() || (err && err.name === 'AbortError')) return;
      const msg = err instanceof ApiError ? err.message : 'The statistics could not be loaded.';
      body.removeAttribute('aria-busy');
      const p = err instanceof ApiError && typeof err.details.parameter === 'string' ? err.details.parameter : '';
      const fieldErr = p ? root.querySelector(`#stats-${CSS.escape(p)}-error`) : null;
      if (fieldErr) {
        fieldErr.textContent = msg;
        fieldErr.hidden = false;
        form.elements.namedItem(p).setAttribute('aria-invalid', 'true');
      }
      body.replaceChildren(h('p', { class: 'msg msg-error', id: 'stats-error', 'data-testid': 'stats-error', role: 'alert' }, msg));
    }
  })();

  function show(data) {
    body.removeAttribute('aria-busy');
    const daily = Array.isArray(data.daily) ? data.daily : [];
    const series = dailySeries(daily, data.from, data.to);
    const chartBox = h('div', { class: 'chart-box', id: 'stats-chart-box' });
    const period = `${dayOf(data.from) || '?'} to ${lastDay(data.to) || '?'}`;

    body.replaceChildren(
      h('section', { class: 'panel', 'aria-labelledby': 'h-daily' },
        h('h2', { id: 'h-daily' }, 'Parcels per day and lane'),
        h('p', { class: 'hint' }, `Period: ${period}. Each lane has its own scale, so that the few flagged parcels stay visible next to the many released ones.`),
        chartBox,
        dailyTable(series)),
      h('div', { class: 'stats-grid' },
        operatorsTable(Array.isArray(data.operators) ? data.operators : []),
        rulesTable(Array.isArray(data.rules) ? data.rules : [])));

    const draw = () => {
      const width = Math.max(640, Math.floor(chartBox.clientWidth || 960));
      chartBox.replaceChildren(chart(series, width, period));
    };
    draw();
    let timer = 0;
    leave();
    resizeHandler = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (ctx.isCurrent()) draw();
      }, 150);
    };
    window.addEventListener('resize', resizeHandler);
  }

  return undefined;
}

function dayOf(v) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(v || ''));
  return m ? m[1] : '';
}

function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The last day a period covers: a "to" at midnight ends the day before.
function lastDay(to) {
  const t = dayOf(to);
  if (t && /T00:00:00(\.0+)?(Z|[+-]00:?00)$/.test(String(to))) return addDays(t, -1);
  return t;
}

// One row per day from the first to the last, with every lane (0 where absent).
function dailySeries(daily, from, to) {
  const byDay = new Map();
  const extra = new Set();
  for (const d of daily) {
    const day = dayOf(d && d.day);
    if (!day) continue;
    if (!byDay.has(day)) byDay.set(day, { day, release: 0, review: 0, inspect: 0 });
    const lane = String(d.lane || '');
    const n = Number(d.parcels) || 0;
    if (LANES.includes(lane)) byDay.get(day)[lane] += n;
    else extra.add(lane);
  }
  let days = [...byDay.keys()].sort();
  let first = days[0];
  let last = days[days.length - 1];
  const f = dayOf(from);
  if (f && (!first || f < first)) first = f;
  const t = lastDay(to);
  if (t && (!last || t > last)) last = t;
  if (first && last && first <= last) {
    const all = [];
    for (let d = first, i = 0; d <= last && i < 370; d = addDays(d, 1), i += 1) all.push(d);
    if (all.length < 370) days = all;
  }
  return days.map((d) => byDay.get(d) || { day: d, release: 0, review: 0, inspect: 0 });
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function shortDay(day) {
  const [, m, d] = day.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] || m}`;
}

function chart(series, width, period) {
  const totals = { release: 0, review: 0, inspect: 0 };
  for (const r of series) for (const l of LANES) totals[l] += r[l];

  const left = 64;
  const right = 16;
  const top = 58;
  const panelH = 92;
  const gap = 42;
  const bottom = 30;
  const plotW = width - left - right;
  const height = top + LANES.length * panelH + (LANES.length - 1) * gap + bottom;
  const n = Math.max(series.length, 1);
  const band = plotW / n;
  const barW = Math.max(1, Math.min(40, band * 0.72));

  const desc = series.length
    ? `Bar charts of parcels per day, ${period}, one panel per lane with its own scale. Totals: release ${formatInt(totals.release)}, review ${formatInt(totals.review)}, inspect ${formatInt(totals.inspect)}. The same figures are in the table below the chart.`
    : `No parcels in ${period}.`;

  const svg = s('svg', {
    id: 'stats-chart',
    'data-testid': 'stats-chart',
    class: 'chart',
    role: 'img',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'aria-labelledby': 'stats-chart-title stats-chart-desc',
  },
  s('title', { id: 'stats-chart-title' }, 'Parcels per day by lane'),
  s('desc', { id: 'stats-chart-desc' }, desc));

  // legend
  const legend = s('g', { class: 'legend', transform: `translate(${left},16)` });
  let lx = 0;
  for (const lane of LANES) {
    const label = `${laneLabel(lane)} (${formatInt(totals[lane])})`;
    legend.appendChild(s('rect', { x: lx, y: -9, width: 12, height: 12, class: `bar lane-${lane}` }));
    legend.appendChild(s('text', { x: lx + 17, y: 1, class: 'legend-text' }, label));
    lx += 24 + label.length * 7.2;
  }
  svg.appendChild(legend);

  if (!series.length) {
    svg.appendChild(s('text', { x: left, y: top + 40, class: 'axis-text' }, 'No data for this period.'));
    return svg;
  }

  // x labels: at most one every ~70 px
  const every = Math.max(1, Math.ceil(70 / band));

  LANES.forEach((lane, li) => {
    const y0 = top + li * (panelH + gap);
    const max = Math.max(0, ...series.map((r) => r[lane]));
    const yMax = niceMax(max);
    const g = s('g', { class: `panel-${lane}`, 'data-lane': lane });
    g.appendChild(s('text', { x: left, y: y0 - 14, class: 'panel-title' }, `${laneLabel(lane)}`));
    g.appendChild(s('text', { x: left + plotW, y: y0 - 14, class: 'panel-note', 'text-anchor': 'end' },
      `peak ${formatInt(max)} a day`));
    // grid and y ticks
    for (const f of [0, 0.5, 1]) {
      const y = y0 + panelH - f * panelH;
      g.appendChild(s('line', { x1: left, x2: left + plotW, y1: y, y2: y, class: f === 0 ? 'axis' : 'grid' }));
      g.appendChild(s('text', { x: left - 6, y: y + 4, class: 'axis-text', 'text-anchor': 'end' }, formatInt(yMax * f)));
    }
    series.forEach((r, i) => {
      const v = r[lane];
      if (!v) return;
      const bh = Math.max(1, (v / yMax) * panelH);
      const x = left + i * band + (band - barW) / 2;
      g.appendChild(s('rect', {
        x: x.toFixed(2), y: (y0 + panelH - bh).toFixed(2), width: barW.toFixed(2), height: bh.toFixed(2), class: `bar lane-${lane}`,
      }, s('title', null, `${r.day}, ${laneLabel(lane).toLowerCase()}: ${formatInt(v)} parcels`)));
    });
    svg.appendChild(g);
  });

  const axisY = top + LANES.length * panelH + (LANES.length - 1) * gap;
  series.forEach((r, i) => {
    if (i % every !== 0) return;
    const x = left + i * band + band / 2;
    svg.appendChild(s('line', { x1: x, x2: x, y1: axisY, y2: axisY + 4, class: 'axis' }));
    svg.appendChild(s('text', { x, y: axisY + 17, class: 'axis-text', 'text-anchor': 'middle' }, shortDay(r.day)));
  });
  return svg;
}

function dailyTable(series) {
  return h('details', { class: 'table-fallback', id: 'stats-daily' },
    h('summary', null, 'Show the daily figures as a table'),
    h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact'], id: 'stats-daily-table', 'data-testid': 'stats-daily-table' },
      h('caption', { class: 'visually-hidden' }, 'Parcels per day and lane'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Day'),
        LANES.map((l) => h('th', { scope: 'col', class: 'num' }, laneLabel(l))),
        h('th', { scope: 'col', class: 'num' }, 'Total'))),
      h('tbody', null, series.map((r) => h('tr', null,
        h('th', { scope: 'row' }, r.day),
        LANES.map((l) => h('td', { class: 'num' }, formatInt(r[l]))),
        h('td', { class: 'num' }, formatInt(r.release + r.review + r.inspect))))))));
}

function operatorsTable(ops) {
  return h('section', { class: 'panel', 'aria-labelledby': 'h-ops' },
    h('h2', { id: 'h-ops' }, 'Operators'),
    h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact'], id: 'stats-operators', 'data-testid': 'stats-operators' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Operator'),
        h('th', { scope: 'col', class: 'num' }, 'Parcels'),
        h('th', { scope: 'col', class: 'num' }, 'Review'),
        h('th', { scope: 'col', class: 'num' }, 'Inspect'),
        h('th', { scope: 'col', class: 'num' }, 'Flagged'))),
      h('tbody', null, ops.length ? ops.map((o) => {
        const parcels = Number(o.parcels) || 0;
        const flagged = (Number(o.review) || 0) + (Number(o.inspect) || 0);
        return h('tr', null,
          h('th', { scope: 'row' }, text(o.operator)),
          h('td', { class: 'num' }, formatInt(o.parcels)),
          h('td', { class: 'num' }, formatInt(o.review)),
          h('td', { class: 'num' }, formatInt(o.inspect)),
          h('td', { class: 'num' }, parcels ? formatPercent(flagged / parcels) : '—'));
      }) : h('tr', null, h('td', { colspan: '5', class: 'muted' }, 'No parcels in this period.'))))));
}

function rulesTable(rules) {
  return h('section', { class: 'panel', 'aria-labelledby': 'h-yield' },
    h('h2', { id: 'h-yield' }, 'Rule yield'),
    h('p', { class: 'hint' }, 'Yield: share of the inspected parcels a rule flagged in which drugs were seized.'),
    h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact'], id: 'stats-rules', 'data-testid': 'stats-rules' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Rule'),
        h('th', { scope: 'col' }, 'Title'),
        h('th', { scope: 'col', class: 'num' }, 'Hits'),
        h('th', { scope: 'col', class: 'num' }, 'Inspected'),
        h('th', { scope: 'col', class: 'num' }, 'Seized'),
        h('th', { scope: 'col', class: 'num' }, 'Yield'))),
      h('tbody', null, rules.length ? rules.map((r) => h('tr', { 'data-rule': String(r.rule || '') },
        h('th', { scope: 'row' }, h('span', { class: 'chip' }, text(r.rule))),
        h('td', { class: 'wrap' }, text(r.title)),
        h('td', { class: 'num' }, formatInt(r.hits)),
        h('td', { class: 'num' }, formatInt(r.inspected)),
        h('td', { class: 'num' }, formatInt(r.seized)),
        h('td', { class: 'num' }, Number(r.inspected) > 0 ? formatPercent(r.yield) : '—')))
        : h('tr', null, h('td', { colspan: '6', class: 'muted' }, 'No rule fired in this period.'))))));
}
