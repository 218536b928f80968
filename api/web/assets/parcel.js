// Parcel detail: why it was flagged, the manifest, dispositions, related parcels.
import { apiGet, apiPost, ApiError } from './api.js';
import { h } from './dom.js';
import {
  OUTCOMES, SUBSTANCES, VIA_ORDER, laneBadge, laneLabel, outcomeLabel, substanceLabel, viaLabel,
  timeEl, formatNumber, formatScore, text, dispositionStatus,
} from './format.js';
import { invalidate as invalidateQueue } from './queue.js';

const NOTE_MAX = 2000;
let keyHandler = null;

export function leave() {
  if (keyHandler) document.removeEventListener('keydown', keyHandler);
  keyHandler = null;
}

function isTextEntry(el) {
  if (!el) return false;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable) return true;
  if (el.tagName === 'INPUT') {
    return !['radio', 'checkbox', 'button', 'submit', 'reset'].includes(el.type);
  }
  return false;
}

export function render(ctx) {
  const id = ctx.route.id;
  ctx.setTitle(id);

  keyHandler = (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (isTextEntry(e.target)) return;
    e.preventDefault();
    ctx.backToQueue();
  };
  document.addEventListener('keydown', keyHandler);

  const back = h('a', { href: '#/', class: 'back-link', id: 'parcel-back', 'data-testid': 'parcel-back' }, '← Back to queue');
  back.addEventListener('click', (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    e.stopPropagation();
    ctx.backToQueue();
  });
  const crumbs = h('div', { class: 'crumbs' }, back, h('span', { class: 'hint' }, ' (Esc)'));

  const root = h('div', { class: 'view view-parcel', 'data-testid': 'parcel-view', 'data-item-id': id });
  root.append(crumbs,
    h('h1', { id: 'parcel-title', 'data-testid': 'parcel-title', tabindex: '-1' }, h('span', { class: 'mono' }, id)),
    h('p', { class: 'loading' }, 'Loading…'));
  ctx.main.replaceChildren(root);

  async function load(confirmation) {
    try {
      const data = await apiGet(`/api/v1/parcels/${encodeURIComponent(id)}`, ctx.signal);
      if (!ctx.isCurrent()) return;
      // The loading title may have the focus; it is replaced, so the focus
      // moves to the new one (or to the confirmation after a disposition).
      const hadFocus = root.contains(document.activeElement);
      const focusTarget = show(data, confirmation);
      if (focusTarget) {
        focusTarget.focus();
      } else if (hadFocus && !root.contains(document.activeElement)) {
        const t = root.querySelector('#parcel-title');
        if (t) t.focus();
      }
    } catch (err) {
      if (!ctx.isCurrent() || (err && err.name === 'AbortError')) return;
      const msg = err instanceof ApiError ? err.message : 'The parcel could not be loaded.';
      root.replaceChildren(crumbs,
        h('h1', { id: 'parcel-title', 'data-testid': 'parcel-title', tabindex: '-1' }, h('span', { class: 'mono' }, id)),
        confirmation ? h('p', { class: 'msg msg-success', id: 'disp-confirmation', 'data-testid': 'disp-confirmation' }, confirmation) : null,
        h('p', { class: 'msg msg-error', id: 'parcel-error', 'data-testid': 'parcel-error', role: 'alert' }, msg));
    }
  }

  function show(data, confirmation) {
    const a = (data && typeof data.assessment === 'object' && data.assessment) || {};
    const manifest = (data && typeof data.manifest === 'object' && data.manifest) || {};
    const dispositions = Array.isArray(data.dispositions) ? data.dispositions.slice() : [];
    dispositions.sort((x, y) => String(y.recorded_at || '').localeCompare(String(x.recorded_at || '')));
    const latest = dispositions[0];

    const canRecord = ctx.hasRole('officer') || ctx.hasRole('admin');
    const dispSection = canRecord ? dispositionForm(confirmation) : null;

    root.replaceChildren(
      crumbs,
      header(data, a, latest),
      facts(manifest, a),
      h('div', { class: 'parcel-grid' },
        h('div', { class: 'col-main' },
          whyFlagged(a),
          assessmentErrors(a),
          dataQuality(a),
          shadowHits(a),
          manifestSection(manifest)),
        h('div', { class: 'col-side' },
          dispSection ? dispSection.section : null,
          history(dispositions))),
      related(data.related));
    return dispSection && confirmation ? dispSection.confirmationEl : null;
  }

  function dispositionForm(confirmation) {
    const confirmationEl = h('p', {
      class: 'msg msg-success', id: 'disp-confirmation', 'data-testid': 'disp-confirmation', tabindex: '-1', hidden: !confirmation,
    }, confirmation || '');
    const errorEl = h('p', { class: 'msg msg-error', id: 'disp-error', 'data-testid': 'disp-error', role: 'alert', hidden: true });

    const radios = OUTCOMES.map(([value, label, hint]) => {
      const rid = `disp-outcome-${value}`;
      return h('div', { class: 'radio' },
        h('input', { type: 'radio', name: 'outcome', id: rid, value, 'data-testid': rid, 'aria-describedby': `${rid}-hint` }),
        h('label', { for: rid }, label, ' ', h('span', { class: 'hint', id: `${rid}-hint` }, hint)));
    });
    const outcomeSet = h('fieldset', { class: 'outcomes', id: 'disp-outcome', 'data-testid': 'disp-outcome' },
      h('legend', null, 'Outcome'), radios);

    const substance = h('select', { id: 'disp-substance', name: 'substance', 'data-testid': 'disp-substance' },
      h('option', { value: '' }, 'Choose the substance…'),
      SUBSTANCES.map(([v, l]) => h('option', { value: v }, l)));
    const substanceField = h('div', { class: 'field', id: 'disp-substance-field', hidden: true },
      h('label', { for: 'disp-substance' }, 'Substance found ', h('span', { class: 'req' }, '(required)')),
      substance);

    const counter = h('p', { class: 'hint counter', id: 'disp-note-count', 'aria-live': 'off' }, `0 / ${NOTE_MAX}`);
    const note = h('textarea', {
      id: 'disp-note', name: 'note', rows: '4', maxlength: String(NOTE_MAX), 'data-testid': 'disp-note', 'aria-describedby': 'disp-note-count',
    });
    note.addEventListener('input', () => {
      counter.textContent = `${note.value.length} / ${NOTE_MAX}`;
    });

    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'disp-submit', 'data-testid': 'disp-submit' }, 'Record disposition');
    const form = h('form', { id: 'disp-form', 'data-testid': 'disp-form', novalidate: true },
      outcomeSet,
      substanceField,
      h('div', { class: 'field' },
        h('label', { for: 'disp-note' }, 'Note ', h('span', { class: 'hint' }, '(optional)')),
        note, counter),
      errorEl,
      submit);

    form.addEventListener('change', (e) => {
      if (e.target.name !== 'outcome') return;
      const seized = e.target.value === 'seized';
      substanceField.hidden = !seized;
      substance.required = seized;
      if (!seized) substance.value = '';
    });

    function fail(message, field) {
      errorEl.textContent = message;
      errorEl.hidden = false;
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      if (field) {
        field.setAttribute('aria-invalid', 'true');
        field.focus();
      }
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errorEl.hidden = true;
      confirmationEl.hidden = true;
      const checked = form.querySelector('input[name="outcome"]:checked');
      if (!checked) {
        fail('Choose an outcome.', form.querySelector('input[name="outcome"]'));
        return;
      }
      const body = { outcome: checked.value, note: note.value };
      if (checked.value === 'seized') {
        if (!substance.value) {
          fail('Choose the substance that was found.', substance);
          return;
        }
        body.substance = substance.value;
      }
      if (note.value.length > NOTE_MAX) {
        fail(`The note is too long: at most ${NOTE_MAX} characters.`, note);
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Recording…';
      try {
        const stored = await apiPost(`/api/v1/parcels/${encodeURIComponent(id)}/dispositions`, body);
        invalidateQueue();
        if (!ctx.isCurrent()) return;
        const outcome = (stored && stored.outcome) || body.outcome;
        const sub = (stored && stored.substance) || body.substance;
        const msg = `Disposition recorded: ${outcomeLabel(outcome)}${sub ? ` — ${substanceLabel(sub)}` : ''}.`;
        // The confirmation is shown in the form and gets the focus once the
        // parcel is loaded again, so it is read out there.
        await load(msg);
      } catch (err) {
        if (!ctx.isCurrent()) return;
        const msg = err instanceof ApiError ? err.message : 'The disposition could not be recorded.';
        const p = err instanceof ApiError && typeof err.details.parameter === 'string' ? err.details.parameter : '';
        const field = p === 'substance' ? substance : p === 'note' ? note : p === 'outcome' ? form.querySelector('input[name="outcome"]') : null;
        fail(msg, field);
        ctx.announce(msg, 'error');
      } finally {
        submit.disabled = false;
        submit.textContent = 'Record disposition';
      }
    });

    const section = h('section', { class: 'panel', id: 'parcel-disposition', 'aria-labelledby': 'h-disp' },
      h('h2', { id: 'h-disp' }, 'Record disposition'),
      confirmationEl,
      form);
    return { section, confirmationEl };
  }

  load();
  return undefined;
}

// ---- sections ------------------------------------------------------------------

function header(data, a, latest) {
  const score = typeof a.score === 'number' ? String(a.score) : '—';
  return h('header', { class: 'parcel-head', id: 'parcel-header', 'data-testid': 'parcel-header' },
    h('h1', { id: 'parcel-title', 'data-testid': 'parcel-title', tabindex: '-1' },
      h('span', { class: 'visually-hidden' }, 'Parcel '),
      h('span', { class: 'mono' }, String(data.item_id || ''))),
    laneBadge(a.outcome, { id: 'parcel-lane', 'data-testid': 'parcel-lane', class: ['badge', 'badge-big', `lane-${['release', 'review', 'inspect'].includes(a.outcome) ? a.outcome : 'unknown'}`] }),
    h('span', { class: 'score-box', id: 'parcel-score', 'data-testid': 'parcel-score', 'data-score': score },
      'Score ', h('strong', null, score)),
    h('span', { class: 'parcel-status' }, h('span', { class: 'muted' }, 'Status '),
      h('span', { id: 'parcel-status', 'data-testid': 'parcel-status' }, dispositionStatus(latest ? latest.outcome : ''))),
    a.sampled ? h('span', { class: 'tag', title: 'Picked at random for control sampling' }, 'sampled') : null);
}

function facts(m, a) {
  const rows = [
    ['Operator', text(m.operator)],
    ['Route', `${text(m.origin_country)} → ${text(m.destination_country)}`],
    ['Posted', timeEl(m.posted_at)],
    ['Received', timeEl(a.received_at)],
    ['Assessed', timeEl(a.assessed_at)],
    ['Rule pack', h('span', { class: 'mono', title: String(a.pack_version || '') }, shortVersion(a.pack_version))],
  ];
  return h('dl', { class: 'facts', id: 'parcel-facts' }, rows.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

function shortVersion(v) {
  const s = String(v || '');
  return s.length > 12 ? `${s.slice(0, 12)}…` : s || '—';
}

function hitItem(hit, shadow) {
  const forced = hit.outcome ? h('span', { class: ['badge', `lane-${hit.outcome}`, 'badge-small'], 'data-testid': 'hit-forced' },
    `forces ${laneLabel(hit.outcome).toLowerCase()}`) : null;
  const sc = typeof hit.score === 'number' ? hit.score : null;
  return h('li', { class: ['hit', shadow ? 'hit-shadow' : null, sc !== null && sc < 0 ? 'hit-mitigating' : null], 'data-testid': shadow ? 'shadow-hit' : 'hit', 'data-rule': String(hit.rule || '') },
    h('div', { class: 'hit-head' },
      h('span', { class: 'chip' }, String(hit.rule || '?')),
      h('span', { class: 'hit-title' }, String(hit.title || '')),
      h('span', { class: 'hit-score', title: sc !== null && sc < 0 ? 'Lowers the score' : 'Adds to the score' }, formatScore(sc)),
      forced),
    hit.reason ? h('p', { class: 'hit-reason' }, String(hit.reason)) : null);
}

function sortHits(hits) {
  return (Array.isArray(hits) ? hits.slice() : []).sort((x, y) => (Number(y.score) || 0) - (Number(x.score) || 0));
}

function whyFlagged(a) {
  const hits = sortHits(a.hits);
  return h('section', { class: 'panel', id: 'parcel-why', 'aria-labelledby': 'h-why' },
    h('h2', { id: 'h-why' }, 'Why flagged'),
    hits.length
      ? h('ol', { class: 'hits', id: 'parcel-hits', 'data-testid': 'parcel-hits' }, hits.map((x) => hitItem(x, false)))
      : h('p', { class: 'muted', id: 'parcel-hits', 'data-testid': 'parcel-hits' }, 'No rule fired on this parcel.'));
}

function assessmentErrors(a) {
  const errs = Array.isArray(a.errors) ? a.errors : [];
  if (!errs.length) return null;
  return h('section', { class: ['panel', 'panel-warn'], id: 'parcel-errors', 'aria-labelledby': 'h-errors' },
    h('h2', { id: 'h-errors' }, 'Assessment errors'),
    h('p', null, 'Some rules could not be evaluated; the score may be too low.'),
    h('ul', null, errs.map((e) => h('li', null,
      typeof e === 'object' && e !== null
        ? [e.rule ? h('span', { class: 'chip' }, String(e.rule)) : null, ' ', String(e.message || e.error || JSON.stringify(e))]
        : String(e)))));
}

function dataQuality(a) {
  const dq = Array.isArray(a.data_quality) ? a.data_quality : [];
  return h('section', { class: 'panel', id: 'parcel-quality', 'aria-labelledby': 'h-quality' },
    h('h2', { id: 'h-quality' }, 'Data quality'),
    dq.length
      ? h('ul', { class: 'quality', 'data-testid': 'parcel-quality' }, dq.map((f) => h('li', null,
        h('code', { class: 'code' }, String(f.code || '')),
        f.path ? h('span', { class: 'mono path' }, String(f.path)) : null,
        f.message ? h('span', { class: 'quality-msg' }, String(f.message)) : null)))
      : h('p', { class: 'muted' }, 'No data-quality findings.'));
}

function shadowHits(a) {
  const hits = sortHits(a.shadow_hits);
  return h('details', { class: 'panel', id: 'parcel-shadow', 'data-testid': 'parcel-shadow' },
    h('summary', null, `Shadow rules (${hits.length}) — recorded for evaluation, not counted in the score`),
    hits.length
      ? h('ol', { class: 'hits' }, hits.map((x) => hitItem(x, true)))
      : h('p', { class: 'muted' }, 'No shadow rule fired.'));
}

function party(title, p, idPrefix) {
  const x = p && typeof p === 'object' ? p : {};
  const rows = [
    ['Name', x.name],
    ['Business', x.business],
    ['Street', x.street],
    ['City', [x.postcode, x.city].filter((v) => v !== undefined && v !== null && v !== '').join(' ')],
    ['Country', typeof x.country === 'string' ? x.country.toUpperCase() : x.country],
    ['Phone', x.phone],
    ['E-mail', x.email],
    ['Tax ID', x.tax_id],
  ].filter(([k, v]) => !(k === 'Business' || k === 'Tax ID') || (v !== undefined && v !== null && v !== ''));
  return h('div', { class: 'party', id: idPrefix, 'data-testid': idPrefix },
    h('h3', null, title),
    h('dl', { class: 'kv' }, rows.map(([k, v]) => h('div', null,
      h('dt', null, k),
      h('dd', { class: v === undefined || v === null || v === '' ? 'missing' : null }, v === undefined || v === null || v === '' ? 'missing' : text(v))))));
}

function manifestSection(m) {
  const contents = Array.isArray(m.contents) ? m.contents : [];
  const currency = typeof m.currency === 'string' ? m.currency.toUpperCase() : '';
  const table = h('table', { class: ['data', 'compact'], id: 'parcel-contents', 'data-testid': 'parcel-contents' },
    h('caption', null, 'Contents'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Description'),
      h('th', { scope: 'col', class: 'num' }, 'Quantity'),
      h('th', { scope: 'col', class: 'num' }, 'Net kg'),
      h('th', { scope: 'col', class: 'num' }, `Value${currency ? ` (${currency})` : ''}`),
      h('th', { scope: 'col' }, 'HS code'),
      h('th', { scope: 'col' }, 'Origin'))),
    h('tbody', null, contents.length
      ? contents.map((it) => {
        const x = it && typeof it === 'object' ? it : {};
        return h('tr', null,
          h('td', { class: 'wrap' }, text(x.description)),
          h('td', { class: 'num' }, formatNumber(x.quantity)),
          h('td', { class: 'num' }, formatNumber(x.net_weight_kg)),
          h('td', { class: 'num' }, formatNumber(x.value)),
          h('td', { class: 'mono' }, text(x.hs_code)),
          h('td', null, text(x.origin_country)));
      })
      : h('tr', null, h('td', { colspan: '6', class: 'muted' }, 'No contents declared.'))));

  const totals = [
    ['Gross weight', m.gross_weight_kg !== undefined ? `${formatNumber(m.gross_weight_kg)} kg` : '—'],
    ['Declared value', m.declared_value !== undefined ? `${formatNumber(m.declared_value)} ${currency}`.trim() : '—'],
    ['Postage paid', m.postage_paid !== undefined ? `${formatNumber(m.postage_paid)} ${currency}`.trim() : '—'],
    ['Mail class', text(m.mail_class)],
    ['Category', text(m.category)],
    ['Office of origin', text(m.office_of_origin)],
    ['Invoice', text(m.invoice_number)],
    ['Licence', text(m.licence_number)],
    ['Certificate', text(m.certificate_number)],
  ];
  if (m.amendment) totals.push(['Amendment', text(m.amendment)]);

  let raw;
  try {
    raw = JSON.stringify(m, null, 2);
  } catch {
    raw = String(m);
  }
  return h('section', { class: 'panel', id: 'parcel-manifest', 'aria-labelledby': 'h-manifest' },
    h('h2', { id: 'h-manifest' }, 'Manifest'),
    h('div', { class: 'parties' }, party('Sender', m.sender, 'parcel-sender'), party('Recipient', m.recipient, 'parcel-recipient')),
    h('div', { class: 'table-wrap' }, table),
    h('dl', { class: ['kv', 'kv-inline'], id: 'parcel-totals' }, totals.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v)))),
    h('details', { class: 'raw', id: 'parcel-raw', 'data-testid': 'parcel-raw' },
      h('summary', null, 'Raw manifest JSON'),
      h('pre', { class: 'json', tabindex: '0' }, raw)));
}

function history(dispositions) {
  return h('section', { class: 'panel', id: 'parcel-history', 'aria-labelledby': 'h-history' },
    h('h2', { id: 'h-history' }, 'Disposition history'),
    dispositions.length
      ? h('ol', { class: 'history', id: 'disp-history', 'data-testid': 'disp-history' }, dispositions.map((d, i) => h('li', {
        class: i === 0 ? 'current' : 'superseded',
        'data-testid': 'disp-entry',
        'data-current': i === 0 ? 'true' : 'false',
      },
      h('div', { class: 'history-head' },
        h('span', { class: ['tag', i === 0 ? 'tag-current' : 'tag-superseded'] }, i === 0 ? 'Current' : 'Superseded'),
        h('strong', null, outcomeLabel(d.outcome)),
        d.substance ? h('span', null, ` — ${substanceLabel(d.substance)}`) : null),
      h('div', { class: 'history-meta' }, 'by ', h('span', null, text(d.officer)), ' · ', timeEl(d.recorded_at)),
      d.note ? h('p', { class: 'history-note' }, String(d.note)) : null)))
      : h('p', { class: 'muted', id: 'disp-history', 'data-testid': 'disp-history' }, 'No disposition recorded yet: this parcel is open.'));
}

function related(list) {
  const items = Array.isArray(list) ? list : [];
  const groups = new Map();
  for (const r of items) {
    const via = String((r && r.via) || 'other');
    if (!groups.has(via)) groups.set(via, []);
    groups.get(via).push(r);
  }
  const order = [...groups.keys()].sort((x, y) => {
    const ix = VIA_ORDER.indexOf(x);
    const iy = VIA_ORDER.indexOf(y);
    return (ix < 0 ? 99 : ix) - (iy < 0 ? 99 : iy) || x.localeCompare(y);
  });
  return h('section', { class: 'panel', id: 'parcel-related', 'data-testid': 'parcel-related', 'aria-labelledby': 'h-related' },
    h('h2', { id: 'h-related' }, `Related parcels (${items.length})`),
    items.length === 0 ? h('p', { class: 'muted' }, 'No other parcel shares this sender, recipient address, phone or e-mail.') : null,
    order.map((via) => {
      const rows = groups.get(via);
      const keys = [...new Set(rows.map((r) => String(r.key || '')).filter(Boolean))];
      return h('div', { class: 'related-group', 'data-via': via, 'data-testid': 'related-group' },
        h('h3', null, viaLabel(via), ' ', h('span', { class: 'count' }, `(${rows.length})`)),
        keys.length ? h('p', { class: 'related-key' }, 'Match: ', keys.map((k, i) => [i ? ', ' : '', h('span', { class: 'mono' }, k)])) : null,
        h('div', { class: 'table-wrap' }, h('table', { class: ['data', 'compact', 'related-table'] },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Item ID'),
            h('th', { scope: 'col' }, 'Lane'),
            h('th', { scope: 'col', class: 'num' }, 'Score'),
            h('th', { scope: 'col' }, 'Operator'),
            h('th', { scope: 'col' }, 'Route'),
            h('th', { scope: 'col' }, 'Received (UTC)'),
            h('th', { scope: 'col' }, 'Disposition'))),
          h('tbody', null, rows.map((r) => h('tr', { 'data-testid': 'related-row' },
            h('td', null, h('a', { href: `#/parcel/${encodeURIComponent(String(r.item_id || ''))}`, class: 'mono', 'data-testid': 'related-open' }, text(r.item_id))),
            h('td', null, laneBadge(r.outcome)),
            h('td', { class: 'num' }, typeof r.score === 'number' ? String(r.score) : '—'),
            h('td', null, text(r.operator)),
            h('td', null, `${r.origin || '??'} → ${r.destination || '??'}`),
            h('td', { class: 'nowrap' }, timeEl(r.received_at)),
            h('td', null, dispositionStatus(r.disposition))))))));
    }));
}
