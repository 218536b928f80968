// Rules view: the loaded rule pack and its rules.
import { apiGet, ApiError } from './api.js';
import { h } from './dom.js';
import { laneLabel, timeEl, formatInt, formatScore, text } from './format.js';

export function render(ctx) {
  ctx.setTitle('Rules');
  const body = h('div', { id: 'rules-body', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading…'));
  ctx.main.replaceChildren(h('div', { class: 'view view-rules' },
    h('h1', { id: 'view-title', tabindex: '-1', 'data-testid': 'view-title' }, 'Rules'),
    body));

  (async () => {
    try {
      const data = await apiGet('/api/v1/rules', ctx.signal);
      if (!ctx.isCurrent()) return;
      show(data);
    } catch (err) {
      if (!ctx.isCurrent() || (err && err.name === 'AbortError')) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren(h('p', { class: 'msg msg-error', role: 'alert', 'data-testid': 'rules-error' },
        err instanceof ApiError ? err.message : 'The rules could not be loaded.'));
    }
  })();

  function show(data) {
    body.removeAttribute('aria-busy');
    const st = (data && typeof data.status === 'object' && data.status) || {};
    const rules = Array.isArray(data.rules) ? data.rules : [];

    const lastError = st.last_error
      ? h('div', { class: 'msg msg-error alert-block', role: 'alert', id: 'rules-last-error', 'data-testid': 'rules-last-error' },
        h('strong', null, 'The last reload of the rule pack failed. '),
        'The pack shown here is still in use. ',
        h('pre', { class: 'error-text' }, String(st.last_error)))
      : null;

    const facts = h('dl', { class: 'facts', id: 'rules-status', 'data-testid': 'rules-status' },
      [
        ['Pack', text(st.name)],
        ['Version', h('span', { class: 'mono', id: 'rules-version', 'data-testid': 'rules-version', title: String(st.version || '') }, text(st.version))],
        ['Source', text(st.source)],
        ['Rules', formatInt(st.rules)],
        ['Loaded', timeEl(st.loaded_at, true)],
        ['Last reload', st.last_error ? h('span', { class: 'text-error' }, 'failed') : h('span', null, 'no error')],
      ].map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));

    const filter = h('input', { type: 'search', id: 'rules-filter', 'data-testid': 'rules-filter', size: 24, autocomplete: 'off', spellcheck: 'false' });
    const tbody = h('tbody', null);
    const count = h('p', { class: 'hint', 'aria-live': 'polite', id: 'rules-count' });

    const rows = rules.map((r) => {
      const tags = Array.isArray(r.tags) ? r.tags.map(String) : [];
      const tr = h('tr', { 'data-rule': String(r.id || ''), class: r.mode === 'shadow' ? 'row-shadow' : null },
        h('th', { scope: 'row' }, h('span', { class: 'chip' }, text(r.id))),
        h('td', { class: 'wrap' }, h('div', { class: 'rule-title' }, text(r.title)),
          r.description ? h('div', { class: 'rule-desc' }, String(r.description)) : null,
          ruleMeta(r)),
        h('td', { class: 'num' }, formatScore(typeof r.score === 'number' ? r.score : null)),
        h('td', null, r.outcome ? h('span', { class: ['badge', 'badge-small', `lane-${r.outcome}`] }, laneLabel(r.outcome)) : h('span', { class: 'muted' }, '—')),
        h('td', null, r.mode === 'shadow' ? h('span', { class: 'tag' }, 'shadow') : text(r.mode || 'active')),
        h('td', null, tags.length ? h('span', { class: 'chips' }, tags.map((t) => h('span', { class: 'chip chip-quiet' }, t))) : '—'));
      tr.dataset.search = [r.id, r.title, r.description, ...tags].join(' ').toLowerCase();
      return tr;
    });
    tbody.append(...rows);
    const applyFilter = () => {
      const q = filter.value.trim().toLowerCase();
      let n = 0;
      for (const tr of rows) {
        tr.hidden = Boolean(q) && !tr.dataset.search.includes(q);
        if (!tr.hidden) n += 1;
      }
      count.textContent = `${n} of ${rows.length} rules shown.`;
    };
    filter.addEventListener('input', applyFilter);

    body.replaceChildren(
      lastError,
      h('section', { class: 'panel', 'aria-labelledby': 'h-pack' }, h('h2', { id: 'h-pack' }, 'Active rule pack'), facts),
      h('section', { class: 'panel', 'aria-labelledby': 'h-rules' },
        h('h2', { id: 'h-rules' }, 'Rules'),
        h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'rules-filter' }, 'Find a rule'), filter), count),
        h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact'], id: 'rules-table', 'data-testid': 'rules-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'ID'),
            h('th', { scope: 'col' }, 'Title and description'),
            h('th', { scope: 'col', class: 'num' }, 'Score'),
            h('th', { scope: 'col' }, 'Forces'),
            h('th', { scope: 'col' }, 'Mode'),
            h('th', { scope: 'col' }, 'Tags'))),
          tbody))));
    applyFilter();
  }
  return undefined;
}

// Where the rule is written and when it applies, when the server says.
function ruleMeta(r) {
  const parts = [];
  if (r.file) parts.push(h('span', { class: 'mono' }, r.line ? `${r.file}:${r.line}` : String(r.file)));
  if (r.valid_from || r.valid_until) {
    parts.push(h('span', null, 'valid ', r.valid_from ? ['from ', timeEl(r.valid_from)] : null,
      r.valid_from && r.valid_until ? ' ' : null, r.valid_until ? ['until ', timeEl(r.valid_until)] : null));
  }
  if (!parts.length) return null;
  return h('div', { class: 'rule-meta' }, parts.map((p, i) => [i ? ' · ' : '', p]));
}
