// JSON API client. Every error becomes an ApiError whose message can be
// shown to the officer as it is.

let csrfToken = '';

export function setCsrfToken(token) {
  csrfToken = token || '';
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details && typeof details === 'object' ? details : {};
  }
}

export const FORBIDDEN_MESSAGE = 'Your role does not allow this.';

async function request(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', signal, cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = csrfToken;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check the connection and try again.');
  }

  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (res.status === 401) {
    window.location.assign('/login');
    throw new ApiError(401, 'UNAUTHENTICATED', 'Your session has ended. Going to the login page…');
  }
  const err = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : null;
  if (res.status === 403) {
    throw new ApiError(403, (err && err.code) || 'FORBIDDEN', FORBIDDEN_MESSAGE, err && err.details);
  }
  if (!res.ok) {
    const message = err && typeof err.message === 'string' && err.message
      ? err.message
      : `The server answered with an error (HTTP ${res.status}).`;
    throw new ApiError(res.status, (err && err.code) || `HTTP_${res.status}`, message, err && err.details);
  }
  if (data === null) {
    throw new ApiError(res.status, 'BAD_RESPONSE', 'The server sent an answer this page cannot read.');
  }
  return data;
}

export function apiGet(path, signal) {
  return request(path, { signal });
}

export function apiPost(path, body) {
  return request(path, { method: 'POST', body });
}

// Builds "path?a=1&b=2" from an object or URLSearchParams, leaving out empty values.
export function withQuery(path, params) {
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? params.entries() : Object.entries(params || {});
  for (const [k, v] of entries) {
    if (v !== undefined && v !== null && String(v) !== '') q.append(k, String(v));
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}
