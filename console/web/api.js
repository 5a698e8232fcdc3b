// The console's JSON API (docs/console.md) and its live stream.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(`Error ${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.win32 = message;
  }
}

// A request to /api/PATH; resolves to the JSON body, or throws ApiError
// with the Win32 code and message the console answered.
export async function api(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    // The console refuses a change without this header: no other site
    // can send it (docs/console.md, "Other sites").
    init.headers['X-Svcconsole'] = '1';
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/' + path, init);
  } catch (e) {
    throw new ApiError(0, 1722, 'The console cannot be reached.');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!res.ok) {
    if (data && typeof data.error === 'number') throw new ApiError(res.status, data.error, data.message);
    throw new ApiError(res.status, res.status === 401 ? 5 : 0, text.trim() || res.statusText);
  }
  return data;
}

export function servicePath(machine, name, what) {
  let p = `machines/${encodeURIComponent(machine)}/services/${encodeURIComponent(name)}`;
  if (what) p += '/' + what;
  return p;
}

// Opens the live stream; handlers maps an event type to a function of its
// data.  onState gets 'live' or 'reconnecting'.
export function stream(handlers, onState) {
  const es = new EventSource('/api/stream');
  for (const [type, fn] of Object.entries(handlers)) {
    es.addEventListener(type, (ev) => fn(JSON.parse(ev.data)));
  }
  es.addEventListener('hello', () => onState('live'));
  es.onerror = () => onState('reconnecting');
  return es;
}
