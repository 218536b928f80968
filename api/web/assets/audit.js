// Audit view (administrators): who read or changed what.
import { apiGet, withQuery, ApiError } from './api.js';
import { h } from './dom.js';
import { timeEl, formatInt, text } from './format.js';

const FIELDS = [
  { name: 'from', label: 'From', type: 'date' },
  { name: 'to', label: 'To', type: 'date' },
  { name: 'actor', label: 'Actor', type: 'text', size: 12, placeholder: 'alice' },
  { name: 'action', label: 'Action', type: 'text', size: 16, placeholder: 'parcel.read' },
  { name: 'limit', label: 'Limit', type: 'number', min: 1, max: 1000, placeholder: '100' },
];

export function render(ctx) {
  ctx.setTitle('Audit');
  const params = ctx.route.params;

  const form = h('form', { class: 'filters', id: 'audit-filters', 'data-testid': 'audit-filters', role: 'search', 'aria-label': 'Audit filters' },
    FIELDS.map((f) => {
      const id = `audit-${f.name}`;
      let value = params.get(f.name) || '';
      if (f.type === 'date') {
        const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
        value = m ? m[1] : '';
      }
      return h('div', { class: 'field' },
        h('label', { for: id }, f.label),
        h('input', {
          id, name: f.name, type: f.type, size: f.size, min: f.min, max: f.max, placeholder: f.placeholder, value,
          autocomplete: 'off', spellcheck: 'false', 'data-testid': id, 'aria-describedby': `${id}-error`, class: f.type === 'number' ? 'narrow' : null,
        }),
        h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true }));
    }),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-apply', 'data-testid': 'audit-apply' }, 'Apply')));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const f of FIELDS) {
      const v = String(form.elements.namedItem(f.name).value || '').trim();
      if (v) q.set(f.name, v);
    }
    const qs = q.toString();
    ctx.navigate(`${ctx.queueURL()}#/audit${qs ? `?${qs}` : ''}`);
  });

  const body = h('div', { id: 'audit-body', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading…'));
  const root = h('div', { class: 'view view-audit' },
    h('h1', { id: 'view-title', tabindex: '-1', 'data-testid': 'view-title' }, 'Audit'),
    form, body);
  ctx.main.replaceChildren(root);

  const q = new URLSearchParams();
  for (const f of FIELDS) {
    const v = params.get(f.name);
    if (v) q.set(f.name, v);
  }

  (async () => {
    try {
      const data = await apiGet(withQuery('/api/v1/audit', q), ctx.signal);
      if (!ctx.isCurrent()) return;
      const entries = Array.isArray(data.entries) ? data.entries : [];
      body.removeAttribute('aria-busy');
      body.replaceChildren(
        h('p', { class: 'hint', id: 'audit-count' }, `${formatInt(entries.length)} entr${entries.length === 1 ? 'y' : 'ies'}.`),
        h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact'], id: 'audit-table', 'data-testid': 'audit-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'When (UTC)'),
            h('th', { scope: 'col' }, 'Actor'),
            h('th', { scope: 'col' }, 'Role'),
            h('th', { scope: 'col' }, 'Action'),
            h('th', { scope: 'col' }, 'Object'),
            h('th', { scope: 'col' }, 'From'),
            h('th', { scope: 'col' }, 'Detail'))),
          h('tbody', null, entries.length ? entries.map((e) => h('tr', { 'data-testid': 'audit-row' },
            h('td', { class: 'nowrap' }, timeEl(e.at, true)),
            h('td', null, text(e.actor)),
            h('td', null, text(e.role)),
            h('td', { class: 'mono' }, text(e.action)),
            h('td', { class: 'mono' }, objectCell(e)),
            h('td', { class: 'mono' }, text(e.remote_addr)),
            h('td', { class: 'wrap' }, text(e.detail))))
            : h('tr', null, h('td', { colspan: '7', class: 'muted' }, 'No audit entries match.'))))));
    } catch (err) {
      if (!ctx.isCurrent() || (err && err.name === 'AbortError')) return;
      body.removeAttribute('aria-busy');
      const msg = err instanceof ApiError ? err.message : 'The audit log could not be loaded.';
      const p = err instanceof ApiError && typeof err.details.parameter === 'string' ? err.details.parameter : '';
      const fieldErr = p ? root.querySelector(`#audit-${CSS.escape(p)}-error`) : null;
      if (fieldErr) {
        fieldErr.textContent = msg;
        fieldErr.hidden = false;
        form.elements.namedItem(p).setAttribute('aria-invalid', 'true');
      }
      body.replaceChildren(h('p', { class: 'msg msg-error', role: 'alert', 'data-testid': 'audit-error' }, msg));
    }
  })();
  return undefined;
}

// Parcel objects link to the parcel.
function objectCell(e) {
  const action = String(e.action || '');
  const obj = String(e.object || '');
  if (obj && /^(parcel|disposition)/.test(action) && /^[A-Z]{2}\d{9}[A-Z]{2}$/.test(obj)) {
    return h('a', { href: `#/parcel/${encodeURIComponent(obj)}` }, obj);
  }
  return text(e.object);
}
