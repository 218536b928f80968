// parcelguard officers' page: session, navigation and routing.
//
// The queue's filters live in the page's query string (/?lane=inspect&status=open);
// the other views live in the fragment (#/parcel/ID, #/stats?from=…, #/rules,
// #/audit?…), so going back from a parcel returns to the filtered queue.
import { apiGet, setCsrfToken, ApiError, FORBIDDEN_MESSAGE } from './api.js';
import { h } from './dom.js';
import * as queue from './queue.js';
import * as parcel from './parcel.js';
import * as stats from './stats.js';
import * as rules from './rules.js';
import * as audit from './audit.js';

const VIEWS = {
  queue: { module: queue, roles: ['officer', 'admin'], title: 'Queue', nav: 'queue' },
  parcel: { module: parcel, roles: ['officer', 'admin'], title: 'Parcel', nav: 'queue' },
  stats: { module: stats, roles: ['analyst', 'admin'], title: 'Statistics', nav: 'stats' },
  rules: { module: rules, roles: ['analyst', 'admin'], title: 'Rules', nav: 'rules' },
  audit: { module: audit, roles: ['admin'], title: 'Audit', nav: 'audit' },
};

const state = {
  session: null,
  current: null, // { name, route, module }
  generation: 0,
  abort: null,
};

const main = document.getElementById('main');
const statusEl = document.getElementById('status');

// ---- status messages -------------------------------------------------------

let statusTimer = 0;
export function announce(message, kind = 'info') {
  clearTimeout(statusTimer);
  statusEl.replaceChildren();
  statusEl.className = 'status';
  if (!message) return;
  statusEl.classList.add('status-visible', `status-${kind}`);
  statusEl.appendChild(h('span', null, message));
  if (kind === 'info' || kind === 'success') {
    statusTimer = setTimeout(() => announce(''), 8000);
  }
}

// ---- roles -------------------------------------------------------------------

function hasAnyRole(roles) {
  const mine = (state.session && state.session.roles) || [];
  return roles.some((r) => mine.includes(r));
}

export function canView(name) {
  const v = VIEWS[name];
  return Boolean(v && hasAnyRole(v.roles));
}

export function hasRole(role) {
  return hasAnyRole([role]);
}

export function session() {
  return state.session;
}

// ---- routing -----------------------------------------------------------------

function parseRoute() {
  const hash = window.location.hash;
  if (!hash || hash === '#' || hash === '#/') return { name: 'queue', params: new URLSearchParams() };
  if (!hash.startsWith('#/')) return null; // an in-page anchor such as #main
  const body = hash.slice(2);
  const qi = body.indexOf('?');
  const path = qi >= 0 ? body.slice(0, qi) : body;
  const params = new URLSearchParams(qi >= 0 ? body.slice(qi + 1) : '');
  const slash = path.indexOf('/');
  const head = slash >= 0 ? path.slice(0, slash) : path;
  const rest = slash >= 0 ? path.slice(slash + 1) : '';
  if (head === 'parcel' && rest) {
    let id = rest;
    try {
      id = decodeURIComponent(rest);
    } catch {
      // keep it as typed
    }
    return { name: 'parcel', id, params };
  }
  if (head === 'queue' || head === '') return { name: 'queue', params };
  if (VIEWS[head]) return { name: head, params };
  return { name: 'notfound', params };
}

// navigate('#/stats?from=…') or navigate('/?lane=inspect'); pushes a history entry.
export function navigate(url, { replace = false, from } = {}) {
  const target = new URL(url, window.location.href);
  const st = { from: from || (state.current ? state.current.name : null) };
  if (replace) {
    window.history.replaceState(st, '', target.pathname + target.search + target.hash);
  } else {
    window.history.pushState(st, '', target.pathname + target.search + target.hash);
  }
  route();
}

// The URL of the queue with its current filters.
export function queueURL() {
  return window.location.pathname + window.location.search;
}

// Leaves a parcel: back to the queue it was opened from when there is one in
// the history, else to the queue.
export function backToQueue() {
  const st = window.history.state;
  if (st && st.from === 'queue') {
    window.history.back();
  } else {
    navigate(queueURL());
  }
}

function setNavCurrent(navName) {
  for (const a of document.querySelectorAll('#nav a[data-view]')) {
    if (a.dataset.view === navName) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderMessageView(title, message, kind) {
  main.replaceChildren(
    h('h1', { tabindex: '-1', id: 'view-title', 'data-testid': 'view-title' }, title),
    h('p', { class: ['msg', kind === 'error' ? 'msg-error' : 'msg-info'], 'data-testid': 'view-message' }, message),
  );
}

function firstAllowedView() {
  for (const name of ['queue', 'stats', 'rules', 'audit']) {
    if (canView(name)) return name;
  }
  return null;
}

function route() {
  const r = parseRoute();
  if (!r) return; // in-page anchor: keep the view
  if (!state.session) return;

  // leave the previous view
  if (state.abort) state.abort.abort();
  const prev = state.current;
  if (prev && prev.module && prev.module.leave) {
    try {
      prev.module.leave();
    } catch (e) {
      console.error(e);
    }
  }
  state.generation += 1;
  state.abort = new AbortController();
  announce('');

  let name = r.name;
  if (name === 'queue' && !canView('queue') && !window.location.hash) {
    const first = firstAllowedView();
    if (first && first !== 'queue') {
      window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/${first}`);
      route();
      return;
    }
  }

  state.current = { name, route: r, module: null };
  if (name === 'notfound') {
    setNavCurrent(null);
    document.title = 'Not found – parcelguard';
    renderMessageView('Page not found', 'There is no such page. Use the navigation above.', 'info');
    focusTitle(prev);
    return;
  }
  const view = VIEWS[name];
  setNavCurrent(view.nav);
  document.title = `${view.title} – parcelguard`;
  if (!canView(name)) {
    renderMessageView(view.title, FORBIDDEN_MESSAGE, 'error');
    focusTitle(prev);
    return;
  }
  state.current.module = view.module;
  const generation = state.generation;
  const ctx = {
    main,
    route: r,
    signal: state.abort.signal,
    isCurrent: () => generation === state.generation,
    announce,
    navigate,
    backToQueue,
    queueURL,
    hasRole,
    session: state.session,
    setTitle: (t) => {
      document.title = `${t} – parcelguard`;
    },
    cameFrom: prev ? prev.name : null,
  };
  let focused = false;
  try {
    focused = view.module.render(ctx) === 'focused';
  } catch (err) {
    console.error(err);
    renderMessageView(view.title, 'This page could not be shown. Reload to try again.', 'error');
  }
  if (!focused) focusTitle(prev);
}

// Moves focus to the new view's heading, except on the first page load.
function focusTitle(prev) {
  if (!prev) return;
  const t = main.querySelector('h1');
  if (t) {
    if (!t.hasAttribute('tabindex')) t.setAttribute('tabindex', '-1');
    t.focus({ preventScroll: false });
  }
}

// ---- start-up ----------------------------------------------------------------

function setupChrome(sess) {
  document.getElementById('user-name').textContent = sess.name || '';
  const roles = Array.isArray(sess.roles) ? sess.roles : [];
  const roleText = roles.join(', ') + (sess.operator ? ` · ${sess.operator}` : '');
  document.getElementById('user-roles').textContent = roleText ? `(${roleText})` : '';
  document.getElementById('logout-csrf').value = sess.csrf_token || '';
  document.getElementById('logout').disabled = false;
  for (const a of document.querySelectorAll('#nav a[data-view]')) {
    a.hidden = !canView(a.dataset.view);
  }
}

function interceptLinks() {
  // App links (#/…) become history entries that remember where they came from,
  // so that Escape / "Back to queue" can return to the same filtered queue.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (href === '#main' || a.id === 'skip-link') {
      e.preventDefault();
      main.focus();
      return;
    }
    if (!href.startsWith('#/') && !href.startsWith('/?') && href !== '/') return;
    e.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', () => route());
}

async function start() {
  interceptLinks();
  let sess;
  try {
    sess = await apiGet('/api/v1/session');
  } catch (err) {
    const msg = err instanceof ApiError ? err.message : 'The page could not start.';
    renderMessageView('parcelguard', msg, 'error');
    return;
  }
  state.session = {
    name: String(sess.name || ''),
    roles: Array.isArray(sess.roles) ? sess.roles.map(String) : [],
    operator: String(sess.operator || ''),
    csrf_token: String(sess.csrf_token || ''),
  };
  setCsrfToken(state.session.csrf_token);
  setupChrome(state.session);
  if (!firstAllowedView()) {
    renderMessageView('parcelguard', `${FORBIDDEN_MESSAGE} Ask your administrator for the officer or analyst role.`, 'error');
    return;
  }
  route();
}

start();
