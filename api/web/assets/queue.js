// Queue view: parcels in the review and inspect lanes, riskiest first.
import { apiGet, withQuery, ApiError } from './api.js';
import { h } from './dom.js';
import { laneBadge, timeEl, dispositionStatus, formatInt } from './format.js';

const API_PARAMS = ['lane', 'status', 'operator', 'origin', 'destination', 'rule', 'q', 'from', 'to', 'sort', 'limit'];

const FIELDS = [
  { name: 'lane', label: 'Lane', type: 'select', options: [['', 'Review + inspect'], ['inspect', 'Inspect'], ['review', 'Review']] },
  { name: 'status', label: 'Status', type: 'select', options: [['', 'Any'], ['open', 'Open'], ['done', 'Done']] },
  { name: 'q', label: 'Item ID contains', type: 'search', size: 15, placeholder: 'RR1234…', spellcheck: 'false' },
  { name: 'operator', label: 'Operator', type: 'text', size: 9, placeholder: 'CN-POST', spellcheck: 'false' },
  { name: 'origin', label: 'Origin', type: 'text', size: 3, maxlength: 2, placeholder: 'CN', pattern: '[A-Za-z]{2}', title: 'Two-letter country code', upper: true },
  { name: 'destination', label: 'Destination', type: 'text', size: 3, maxlength: 2, placeholder: 'DE', pattern: '[A-Za-z]{2}', title: 'Two-letter country code', upper: true },
  { name: 'rule', label: 'Rule', type: 'text', size: 14, placeholder: 'D7-ROUTE-OF-CONCERN', spellcheck: 'false' },
  { name: 'from', label: 'From', type: 'date' },
  { name: 'to', label: 'To', type: 'date' },
  { name: 'sort', label: 'Sort by', type: 'select', options: [['score', 'Risk (highest first)'], ['time', 'Received (newest first)']] },
];

let current = null; // the queue on screen: { search, root, loaded, lastOpened }
let cache = null; // the queue kept while a parcel is open
let returnTo = null; // { search, id }: the row to focus when the queue is shown again

// A disposition changes a row's status: the kept queue must be fetched again
// (the row that was opened still gets the focus back).
export function invalidate() {
  cache = null;
}

export function leave() {
  returnTo = current && current.lastOpened ? { search: current.search, id: current.lastOpened } : null;
  if (current && current.loaded) {
    cache = { ...current, scrollY: window.scrollY };
  } else {
    cache = null;
  }
  current = null;
}

function apiParams(search, session) {
  const page = new URLSearchParams(search);
  const out = new URLSearchParams();
  for (const k of API_PARAMS) {
    const v = page.get(k);
    if (v !== null && v !== '') out.set(k, v);
  }
  if (session && session.operator) out.set('operator', session.operator);
  return out;
}

function fieldValue(f, raw) {
  if (raw === null) return f.name === 'sort' ? 'score' : '';
  if (f.type === 'date') {
    // The URL may carry RFC 3339; the date input only shows the day.
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(raw);
    return m ? m[1] : '';
  }
  return raw;
}

function buildField(f, params, session) {
  const id = `filter-${f.name}`;
  const errId = `${id}-error`;
  const raw = params.get(f.name);
  let control;
  if (f.type === 'select') {
    const value = fieldValue(f, raw);
    control = h('select', { id, name: f.name, 'data-testid': id, 'aria-describedby': errId },
      f.options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    if (raw && !f.options.some(([v]) => v === raw)) {
      // keep an unknown value from the URL visible, so a 400 about it makes sense
      control.appendChild(h('option', { value: raw, selected: true }, raw));
    }
  } else {
    control = h('input', {
      id,
      name: f.name,
      type: f.type,
      'data-testid': id,
      size: f.size,
      maxlength: f.maxlength,
      placeholder: f.placeholder,
      pattern: f.pattern,
      title: f.title,
      spellcheck: f.spellcheck,
      autocomplete: 'off',
      'aria-describedby': errId,
      class: f.upper ? 'upper' : null,
      value: fieldValue(f, raw),
    });
    if (f.name === 'operator' && session.operator) {
      control.value = session.operator;
      control.readOnly = true;
      control.title = 'Your account sees this operator only';
    }
  }
  return h('div', { class: ['field', `field-${f.name}`] },
    h('label', { for: id }, f.label),
    control,
    h('p', { class: 'field-error', id: errId, 'data-testid': errId, hidden: true }));
}

function formToSearch(form, session) {
  const q = new URLSearchParams();
  for (const f of FIELDS) {
    if (f.name === 'operator' && session.operator) continue;
    const el = form.elements.namedItem(f.name);
    let v = el ? String(el.value).trim() : '';
    if (f.upper) v = v.toUpperCase();
    if (f.name === 'sort' && v === 'score') continue; // the default
    if (v) q.set(f.name, v);
  }
  const keepLimit = new URLSearchParams(window.location.search).get('limit');
  if (keepLimit) q.set('limit', keepLimit);
  const qs = q.toString();
  return qs ? `/?${qs}` : '/';
}

export function render(ctx) {
  const search = window.location.search;
  ctx.setTitle('Queue');

  // Coming back from a parcel shows the same rows, scrolled and focused as
  // they were; anything else (Apply, the navigation) fetches them again.
  if (cache && cache.search === search && ctx.cameFrom === 'parcel') {
    const kept = cache;
    cache = null;
    current = { ...kept };
    ctx.main.replaceChildren(kept.root);
    window.scrollTo(0, kept.scrollY || 0);
    if (kept.lastOpened) {
      const link = kept.root.querySelector(`a[data-item-id="${CSS.escape(kept.lastOpened)}"]`);
      if (link) {
        link.focus({ preventScroll: true });
        return 'focused';
      }
    }
    return undefined;
  }
  cache = null;
  const focusAfterLoad = returnTo && returnTo.search === search && ctx.cameFrom === 'parcel' ? returnTo.id : null;
  returnTo = null;

  const session = ctx.session;
  const pageParams = new URLSearchParams(search);
  const params = apiParams(search, session);

  const title = h('h1', { id: 'view-title', tabindex: '-1', 'data-testid': 'view-title' }, 'Queue');

  const form = h('form', { id: 'queue-filters', class: 'filters', 'data-testid': 'queue-filters', role: 'search', 'aria-label': 'Queue filters' },
    FIELDS.map((f) => buildField(f, pageParams, session)),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'queue-apply', 'data-testid': 'queue-apply' }, 'Apply filters'),
      h('a', { href: '/', class: 'btn btn-quiet', id: 'queue-clear', 'data-testid': 'queue-clear' }, 'Clear')));
  const hint = h('p', { class: 'hint filters-hint' }, 'Without dates the queue covers the last 7 days. Times are UTC.');

  const exportParams = new URLSearchParams(params);
  const exportLink = h('a', {
    href: withQuery('/api/v1/queue.csv', exportParams),
    class: 'btn btn-secondary',
    id: 'queue-export',
    'data-testid': 'queue-export',
    download: 'parcelguard-queue.csv',
  }, 'Export CSV');

  const tbody = h('tbody', { id: 'queue-rows', 'data-testid': 'queue-rows' });
  const table = h('table', { class: ['data', 'queue-table'], id: 'queue-table', 'data-testid': 'queue-table' },
    h('caption', { class: 'visually-hidden' }, 'Parcels in the review and inspect lanes. Open a parcel with its item ID link; arrow keys move between rows.'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Lane'),
      h('th', { scope: 'col', class: 'num' }, 'Score'),
      h('th', { scope: 'col' }, 'Item ID'),
      h('th', { scope: 'col' }, 'Operator'),
      h('th', { scope: 'col' }, 'Route'),
      h('th', { scope: 'col' }, 'Received (UTC)'),
      h('th', { scope: 'col' }, 'Rules'),
      h('th', { scope: 'col' }, 'Status'))),
    tbody);

  const count = h('p', { class: 'queue-count', id: 'queue-count', 'data-testid': 'queue-count', 'aria-live': 'polite' });
  const moreBtn = h('button', { type: 'button', class: 'btn btn-secondary', id: 'queue-more', 'data-testid': 'queue-more', hidden: true }, 'Load more');
  const listError = h('p', { class: 'msg msg-error', id: 'queue-error', 'data-testid': 'queue-error', role: 'alert', hidden: true });

  const root = h('div', { class: 'view view-queue' },
    h('div', { class: 'view-head' }, title, h('div', { class: 'view-tools' }, exportLink)),
    form, hint, listError,
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'queue-foot' }, count, moreBtn));
  ctx.main.replaceChildren(root);

  const view = { search, root, loaded: false, lastOpened: null };
  current = view;
  let shown = 0;
  let cursor = '';

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const url = formToSearch(form, session);
    ctx.navigate(url, { replace: url === `/${window.location.search}` && !window.location.hash });
  });

  // Row behaviour: the item ID link opens the parcel (Enter on it too); a
  // click anywhere on the row does the same; arrow keys walk the rows.
  tbody.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-item-id]');
    if (link) {
      view.lastOpened = link.dataset.itemId;
      return;
    }
    if (e.target.closest('a, button, input, select, textarea')) return;
    const sel = window.getSelection();
    if (sel && sel.toString()) return;
    const row = e.target.closest('tr');
    const rowLink = row && row.querySelector('a[data-item-id]');
    if (rowLink) rowLink.click();
  });
  tbody.addEventListener('keydown', (e) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const links = [...tbody.querySelectorAll('a[data-item-id]')];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    let j = i;
    if (e.key === 'ArrowDown') j = Math.min(links.length - 1, i + 1);
    if (e.key === 'ArrowUp') j = Math.max(0, i - 1);
    if (e.key === 'Home') j = 0;
    if (e.key === 'End') j = links.length - 1;
    e.preventDefault();
    links[j].focus();
  });

  function showParamError(err) {
    const p = err.details && typeof err.details.parameter === 'string' ? err.details.parameter : '';
    const errEl = p ? root.querySelector(`#filter-${CSS.escape(p)}-error`) : null;
    const field = p ? form.elements.namedItem(p) : null;
    if (errEl && field) {
      errEl.textContent = err.message;
      errEl.hidden = false;
      field.setAttribute('aria-invalid', 'true');
      ctx.announce(`Check the ${p} filter: ${err.message}`, 'error');
      return true;
    }
    return false;
  }

  function clearErrors() {
    listError.hidden = true;
    listError.textContent = '';
    for (const el of form.querySelectorAll('.field-error')) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function updateCount(hasMore) {
    if (shown === 0) {
      count.textContent = '';
    } else {
      count.textContent = `Showing ${formatInt(shown)} parcel${shown === 1 ? '' : 's'}${hasMore ? '; more are available' : ''}.`;
    }
    moreBtn.hidden = !hasMore;
  }

  async function load(append) {
    const q = new URLSearchParams(params);
    if (append && cursor) q.set('cursor', cursor);
    table.setAttribute('aria-busy', 'true');
    moreBtn.disabled = true;
    if (!append) {
      tbody.replaceChildren(h('tr', { class: 'placeholder-row' }, h('td', { colspan: '8' }, 'Loading…')));
    } else {
      moreBtn.textContent = 'Loading…';
    }
    try {
      const data = await apiGet(withQuery('/api/v1/queue', q), ctx.signal);
      if (!ctx.isCurrent()) return;
      const items = Array.isArray(data.items) ? data.items : [];
      if (!append) tbody.replaceChildren();
      const frag = document.createDocumentFragment();
      for (const item of items) frag.appendChild(row(item));
      tbody.appendChild(frag);
      shown += items.length;
      cursor = typeof data.next_cursor === 'string' ? data.next_cursor : '';
      if (shown === 0) {
        tbody.replaceChildren(h('tr', { class: 'placeholder-row', 'data-testid': 'queue-empty' },
          h('td', { colspan: '8' }, 'No parcels match these filters.')));
      }
      updateCount(Boolean(cursor));
      view.loaded = true;
      if (!append && focusAfterLoad) {
        const link = tbody.querySelector(`a[data-item-id="${CSS.escape(focusAfterLoad)}"]`);
        if (link) {
          view.lastOpened = focusAfterLoad;
          link.focus();
        }
      }
      if (append) ctx.announce(`Loaded ${formatInt(items.length)} more parcels; ${formatInt(shown)} shown.`);
    } catch (err) {
      if (!ctx.isCurrent() || (err && err.name === 'AbortError')) return;
      const msg = err instanceof ApiError ? err.message : 'The queue could not be loaded.';
      const paramError = err instanceof ApiError && err.status === 400 && showParamError(err);
      if (!append) {
        tbody.replaceChildren(h('tr', { class: 'placeholder-row' }, h('td', { colspan: '8' },
          paramError ? 'Correct the marked filter and apply again.' : 'The queue could not be loaded.')));
      }
      if (!paramError) {
        listError.textContent = msg;
        listError.hidden = false;
        ctx.announce(msg, 'error');
      }
      updateCount(Boolean(cursor) && append);
    } finally {
      if (ctx.isCurrent()) {
        table.removeAttribute('aria-busy');
        moreBtn.disabled = false;
        moreBtn.textContent = 'Load more';
      }
    }
  }

  moreBtn.addEventListener('click', () => {
    clearErrors();
    load(true);
  });

  clearErrors();
  load(false);
  return undefined;
}

function ruleChips(rules) {
  if (!Array.isArray(rules) || rules.length === 0) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'chips' }, rules.map((r) => h('span', { class: 'chip', 'data-testid': 'rule-chip' }, String(r))));
}

function row(item) {
  const id = String(item.item_id || '');
  const link = h('a', {
    href: `#/parcel/${encodeURIComponent(id)}`,
    class: 'mono item-link',
    'data-item-id': id,
    'data-testid': 'queue-open',
  }, id || '(no item ID)');
  return h('tr', { 'data-testid': 'queue-row', 'data-item-id': id, 'data-lane': String(item.outcome || '') },
    h('td', null, laneBadge(item.outcome), item.sampled ? h('span', { class: 'tag', title: 'Picked at random for control sampling' }, 'sampled') : null),
    h('td', { class: 'num score' }, typeof item.score === 'number' ? String(item.score) : '—'),
    h('td', null, link),
    h('td', null, String(item.operator || '—')),
    h('td', { class: 'route' }, `${item.origin || '??'} → ${item.destination || '??'}`),
    h('td', { class: 'nowrap' }, timeEl(item.received_at)),
    h('td', null, ruleChips(item.rules)),
    h('td', null, dispositionStatus(item.disposition)));
}
