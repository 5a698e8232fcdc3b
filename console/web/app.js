// svcconsole's page: the services list, Properties, Hosts and Events,
// kept current by the live stream (docs/console.md).
import { api, ApiError, servicePath, stream } from './api.js';
import { sparkline } from './chart.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const STATE_TEXT = {
  STOPPED: 'Stopped', START_PENDING: 'Starting', STOP_PENDING: 'Stopping', RUNNING: 'Running',
  CONTINUE_PENDING: 'Resuming', PAUSE_PENDING: 'Pausing', PAUSED: 'Paused', UNKNOWN: 'Unknown',
};
const START_TEXT = { boot: 'Boot', system: 'System', auto: 'Automatic', demand: 'Manual', disabled: 'Disabled' };
const ACTION_TEXT = { none: 'Take No Action', restart: 'Restart the Service', run: 'Run a Program', reboot: 'Restart the Computer' };
const VERB = { start: 'start', stop: 'stop', pause: 'pause', continue: 'continue', restart: 'restart' };

const keyOf = (s) => `${s.machine}\u0000${s.name}`;
const startText = (s) => (s.start_type === 'auto' && s.delayed_auto_start ? 'Automatic (Delayed Start)' : START_TEXT[s.start_type] || s.start_type || '');
const stateClass = (st) => (st || 'UNKNOWN').toLowerCase().replace('_', '-');

// ---- State -------------------------------------------------------------

const state = {
  machines: [],
  services: new Map(),
  selected: null,
  sort: { key: 'name', dir: 1 },
  filter: '',
  hosts: new Map(),            // machine -> {time_ms, hosts}
  history: new Map(),          // machine/pid/name -> [{t, cpu, v}]
  events: [],
  eventFilter: { id: '', service: '' },
  view: 'services',
};

// ---- Notices -----------------------------------------------------------

function toast(text, kind = 'error') {
  const t = h('div', { class: `toast ${kind}`, role: 'status', text });
  $('#toasts').append(t);
  setTimeout(() => t.classList.add('fade'), 6000);
  setTimeout(() => t.remove(), 6600);
}

function setLive(s) {
  $('#live').dataset.state = s;
  $('#live-text').textContent = s;
}

function renderMachines() {
  const down = state.machines.filter((m) => !m.connected);
  const b = $('#machines-banner');
  b.hidden = down.length === 0;
  b.replaceChildren(...down.map((m) => h('div', { class: 'machine-down', 'data-machine': m.name },
    h('strong', { text: m.name }), `: Error ${m.error}: ${m.message} Reconnecting…`)));
  document.body.classList.toggle('multi', state.machines.length > 1);
}

// ---- Services list -----------------------------------------------------

function matches(s) {
  const f = state.filter.trim().toLowerCase();
  if (!f) return true;
  return [s.name, s.display_name, s.description, STATE_TEXT[s.state], startText(s), s.account,
    s.group, String(s.pid || ''), s.machine].some((v) => (v || '').toLowerCase().includes(f));
}

function sortValue(s, key) {
  if (key === 'pid') return s.pid || 0;
  if (key === 'state') return STATE_TEXT[s.state] || '';
  if (key === 'start_type') return startText(s);
  return (s[key] || '').toString().toLowerCase();
}

function renderServices() {
  const { key, dir } = state.sort;
  const rows = [...state.services.values()].filter(matches).sort((a, b) => {
    const x = sortValue(a, key), y = sortValue(b, key);
    if (x < y) return -dir;
    if (x > y) return dir;
    return a.name.localeCompare(b.name);
  });
  const tbody = $('#services tbody');
  tbody.replaceChildren(...rows.map((s) => h('tr', {
    'data-key': keyOf(s), 'data-name': s.name, 'data-machine': s.machine, 'data-state': s.state,
    class: keyOf(s) === state.selected ? 'selected' : '',
    onclick: () => select(keyOf(s)),
    ondblclick: () => openProperties(keyOf(s)),
  },
  h('td', { class: 'col-machine', text: s.machine }),
  h('td', { class: 'c-name mono', text: s.name }),
  h('td', { class: 'c-display', text: s.display_name }),
  h('td', { class: 'c-description muted', text: s.description || '', title: s.description || '' }),
  h('td', { class: 'c-state' }, h('span', { class: `pill ${stateClass(s.state)}`, text: STATE_TEXT[s.state] || s.state })),
  h('td', { class: 'c-start', text: startText(s) }),
  h('td', { class: 'c-account', text: s.account || '' }),
  h('td', { class: 'c-pid num', text: s.pid ? String(s.pid) : '' }),
  h('td', { class: 'c-group', text: s.group || '' }))));
  $('#services-empty').hidden = rows.length > 0;
  $$('#services th').forEach((th) => {
    th.classList.toggle('sorted', th.dataset.key === key);
    th.classList.toggle('desc', th.dataset.key === key && dir < 0);
  });
  updateButtons();
  $('#ev-services').replaceChildren(...[...new Set([...state.services.values()].map((s) => s.name))]
    .sort().map((n) => h('option', { value: n })));
}

function select(key) {
  state.selected = key;
  $$('#services tbody tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.key === key));
  updateButtons();
}

// Which actions fit a service in its state, as the snap-in enables them.
function allowed(s) {
  if (!s) return {};
  const st = s.state;
  return {
    start: st === 'STOPPED',
    stop: s.accepts_stop && st !== 'STOPPED' && st !== 'STOP_PENDING',
    pause: s.accepts_pause && st === 'RUNNING',
    continue: s.accepts_pause && st === 'PAUSED',
    restart: s.accepts_stop && (st === 'RUNNING' || st === 'PAUSED'),
  };
}

function updateButtons() {
  const s = state.services.get(state.selected);
  const ok = allowed(s);
  $$('#view-services .actions [data-action]').forEach((b) => { b.disabled = !ok[b.dataset.action]; });
  $('#btn-properties').disabled = !s;
  if (props.key) updatePropsStatus();
}

// The fields of a service that are its status, and the number of the
// console's read they come from ("seq", docs/console.md).
const STATUS_FIELDS = ['state', 'state_code', 'pid', 'win32_exit_code', 'service_exit_code',
  'checkpoint', 'wait_hint', 'accepts_stop', 'accepts_pause', 'seq'];

// Statuses come by two ways that do not wait for each other (an action's
// reply, the live stream): one read before the status shown keeps it.
function upsert(s) {
  const k = keyOf(s);
  const old = state.services.get(k) || {};
  const next = { ...old, ...s };
  if (s.seq !== undefined && old.seq !== undefined && s.seq < old.seq) {
    for (const f of STATUS_FIELDS) next[f] = old[f];
  }
  state.services.set(k, next);
}

async function loadServices() {
  try {
    const list = await api('GET', 'services');
    const keep = new Set();
    for (const s of list) { keep.add(keyOf(s)); upsert(s); }
    for (const k of [...state.services.keys()]) {
      const m = k.split('\u0000')[0];
      const mach = state.machines.find((x) => x.name === m);
      if (!keep.has(k) && (!mach || mach.connected)) state.services.delete(k);
    }
    renderServices();
  } catch (e) {
    if (e instanceof ApiError) toast(`Services: ${e.message}`);
  }
}

async function loadMachines() {
  try {
    state.machines = await api('GET', 'machines');
    renderMachines();
  } catch (e) { /* the stream says when the console is back */ }
}

async function act(action, key) {
  const s = state.services.get(key);
  if (!s) return;
  const body = action === 'start' && props.key === key && $('#p-args').value.trim()
    ? { args: $('#p-args').value.trim().split(/\s+/) } : undefined;
  try {
    const st = await api('POST', servicePath(s.machine, s.name, action), body);
    upsert(st);
    renderServices();
  } catch (e) {
    const text = `Could not ${VERB[action]} ${s.name}${state.machines.length > 1 ? ' on ' + s.machine : ''}: ${e.message}`;
    toast(text);
    if (props.key === key) showPropsError(e);
  }
}

// ---- Properties ----------------------------------------------------------

const props = { key: null, data: null };

function showPropsError(e) {
  const box = $('#props-error');
  box.hidden = !e;
  box.replaceChildren();
  if (e) box.append(h('strong', { text: `Error ${e.code}` }), ': ', e.win32 || e.message);
  if (e) box.dataset.code = String(e.code); else delete box.dataset.code;
}

function actionLine(i, a) {
  const sel = h('select', { class: 'p-action', 'data-i': i },
    ...Object.entries(ACTION_TEXT).map(([v, t]) => h('option', { value: v, text: t })));
  sel.value = a.type;
  const delay = h('input', { type: 'number', min: 0, step: 1, class: 'short p-delay', 'data-i': i });
  delay.value = String(Math.round(a.delay / 1000));
  const after = h('span', { class: 'delay' }, ' after ', delay, ' seconds');
  const show = () => { after.hidden = sel.value === 'none'; };
  sel.addEventListener('change', show);
  show();
  return [sel, after];
}

function fillProperties(d) {
  props.data = d;
  $('#props-title').textContent = `${d.display_name || d.name} Properties${state.machines.length > 1 ? ' (' + d.machine + ')' : ''}`;
  $('#p-name').textContent = d.name;
  $('#p-display').value = d.display_name || '';
  $('#p-description').value = d.description || '';
  $('#p-path').value = d.binary_path || '';
  $('#p-start').value = d.start_type === 'auto' && d.delayed_auto_start ? 'auto-delayed' : d.start_type;
  $('#p-account').value = d.account || '';
  $('#p-password').value = '';
  const acts = d.failure.actions || [];
  for (let i = 0; i < 3; i++) {
    // The last action repeats for every later failure (Windows' rule).
    const a = acts.length ? acts[Math.min(i, acts.length - 1)] : { type: 'none', delay: 60000 };
    $(`.action-line[data-i="${i}"]`).replaceChildren(...actionLine(i, a));
  }
  $('#p-reset-never').checked = d.failure.reset_period === null;
  $('#p-reset').value = d.failure.reset_period === null ? '' : String(d.failure.reset_period);
  $('#p-reset').disabled = d.failure.reset_period === null;
  $('#p-command').value = d.failure.command || '';
  $('#p-reboot').value = d.failure.reboot_message || '';
  $('#p-noncrash').checked = !!d.failure.non_crash_failures;
  const dep = (x) => h('li', { 'data-name': x.name },
    h('span', { class: 'mono', text: x.kind === 'group' ? `group ${x.name}` : x.name }),
    x.display_name && x.display_name !== x.name ? h('span', { class: 'muted', text: ` ${x.display_name}` }) : null,
    x.state ? h('span', { class: `pill ${stateClass(x.state)}`, text: STATE_TEXT[x.state] }) : null,
    x.error ? h('span', { class: 'muted', text: ` (error ${x.error})` }) : null);
  $('#p-depends-on').replaceChildren(...(d.depends_on.length ? d.depends_on.map(dep) : [h('li', { class: 'muted', text: 'None' })]));
  $('#p-dependents').replaceChildren(...(d.dependents.length ? d.dependents.map(dep) : [h('li', { class: 'muted', text: 'None' })]));
  updatePropsStatus();
}

function updatePropsStatus() {
  const s = state.services.get(props.key);
  if (!s) return;
  const p = $('#p-state');
  p.className = `pill ${stateClass(s.state)}`;
  p.textContent = STATE_TEXT[s.state] || s.state;
  p.dataset.state = s.state;
  $('#p-pid').textContent = s.pid ? `PID ${s.pid}` : '';
  const ok = allowed(s);
  $$('[data-paction]').forEach((b) => { b.disabled = !ok[b.dataset.paction]; });
}

async function openProperties(key) {
  const s = state.services.get(key);
  if (!s) return;
  select(key);
  props.key = key;
  showPropsError(null);
  try {
    fillProperties(await api('GET', servicePath(s.machine, s.name)));
  } catch (e) {
    toast(`Properties of ${s.name}: ${e.message}`);
    props.key = null;
    return;
  }
  showTab('general');
  const dlg = $('#props');
  if (!dlg.open) dlg.showModal();
}

function showTab(name) {
  $$('#props .tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
  $$('#props .tab').forEach((t) => { t.hidden = t.dataset.tab !== name; });
}

// What the form changes, as the bodies of PUT config and PUT failure.
function propsChanges() {
  const d = props.data;
  const config = {};
  const start = $('#p-start').value;
  const type = start === 'auto-delayed' ? 'auto' : start;
  const delayed = start === 'auto-delayed';
  if (type !== d.start_type) config.start_type = type;
  if (delayed !== !!d.delayed_auto_start && (type === 'auto' || d.delayed_auto_start)) config.delayed_auto_start = delayed;
  if ($('#p-display').value !== (d.display_name || '')) config.display_name = $('#p-display').value;
  if ($('#p-description').value !== (d.description || '')) config.description = $('#p-description').value;
  if ($('#p-path').value !== (d.binary_path || '')) config.binary_path = $('#p-path').value;
  if ($('#p-account').value !== (d.account || '')) config.account = $('#p-account').value;
  if ($('#p-password').value) config.password = $('#p-password').value;

  const lines = [0, 1, 2].map((i) => ({
    type: $(`.p-action[data-i="${i}"]`).value,
    delay: Math.max(0, Math.round(Number($(`.p-delay[data-i="${i}"]`).value || 0) * 1000)),
  }));
  lines.forEach((a) => { if (a.type === 'none') a.delay = 0; });
  // The last action repeats: drop trailing copies, and no actions at all
  // when every line takes none.
  while (lines.length > 1 && lines[lines.length - 1].type === lines[lines.length - 2].type &&
    lines[lines.length - 1].delay === lines[lines.length - 2].delay) lines.pop();
  const actions = lines.length === 1 && lines[0].type === 'none' ? [] : lines;
  const failure = {};
  const cur = d.failure.actions || [];
  if (JSON.stringify(actions) !== JSON.stringify(cur.map((a) => ({ type: a.type, delay: a.type === 'none' ? 0 : a.delay })))) failure.actions = actions;
  const reset = $('#p-reset-never').checked ? null : Math.max(0, Math.round(Number($('#p-reset').value || 0)));
  if (reset !== d.failure.reset_period) failure.reset_period = reset;
  if ($('#p-command').value !== (d.failure.command || '')) failure.command = $('#p-command').value;
  if ($('#p-reboot').value !== (d.failure.reboot_message || '')) failure.reboot_message = $('#p-reboot').value;
  if ($('#p-noncrash').checked !== !!d.failure.non_crash_failures) failure.non_crash_failures = $('#p-noncrash').checked;
  return { config, failure };
}

async function applyProperties() {
  const s = state.services.get(props.key);
  if (!s || !props.data) return false;
  const { config, failure } = propsChanges();
  showPropsError(null);
  try {
    if (Object.keys(config).length) await api('PUT', servicePath(s.machine, s.name, 'config'), config);
    if (Object.keys(failure).length) await api('PUT', servicePath(s.machine, s.name, 'failure'), failure);
    const d = await api('GET', servicePath(s.machine, s.name));
    upsert(d);
    renderServices();
    fillProperties(d);
    return true;
  } catch (e) {
    showPropsError(e);
    return false;
  }
}

function closeProperties() {
  props.key = null;
  props.data = null;
  $('#props').close();
}

// ---- Hosts -----------------------------------------------------------------

const SPAN_MS = 5 * 60 * 1000;

function kib(n) {
  if (n === undefined || n === null) return '—';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} GiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} MiB`;
  return `${n} KiB`;
}

function record(key, t, cpu) {
  let pts = state.history.get(key);
  if (!pts) { pts = []; state.history.set(key, pts); }
  const prev = pts[pts.length - 1];
  const v = prev && t > prev.t ? Math.max(0, ((cpu - prev.cpu) / ((t - prev.t) * 1000)) * 100) : null;
  pts.push({ t, cpu, v });
  while (pts.length && t - pts[0].t > SPAN_MS) pts.shift();
  return pts;
}

function onHosts(msg) {
  state.hosts.set(msg.machine, msg);
  const live = new Set();
  for (const host of msg.hosts) {
    const hk = `${msg.machine}/${host.pid}`;
    live.add(hk);
    if (host.cpu_us !== undefined) record(hk, msg.time_ms, host.cpu_us);
    for (const u of host.usage || []) {
      live.add(`${hk}/${u.name}`);
      record(`${hk}/${u.name}`, msg.time_ms, u.cpu_us);
    }
  }
  for (const k of [...state.history.keys()]) if (k.startsWith(msg.machine + '/') && !live.has(k)) state.history.delete(k);
  if (state.view === 'hosts') renderHosts();
}

function cpuNow(key) {
  const pts = state.history.get(key) || [];
  const last = pts[pts.length - 1];
  return last && last.v !== null ? last.v : null;
}

function renderHosts() {
  const cards = [];
  for (const m of state.machines) {
    const msg = state.hosts.get(m.name);
    if (!msg) continue;
    for (const host of msg.hosts) {
      const hk = `${m.name}/${host.pid}`;
      const cpu = cpuNow(hk);
      const rows = (host.usage || []).map((u) => {
        const k = `${hk}/${u.name}`;
        const v = cpuNow(k);
        const pts = (state.history.get(k) || []).filter((p) => p.v !== null).map((p) => ({ t: p.t, v: p.v }));
        const svc = state.services.get(`${m.name}\u0000${u.name}`);
        return h('tr', { 'data-service': u.name },
          h('td', { class: 'mono' }, u.name, svc && svc.display_name !== u.name ? h('div', { class: 'muted small', text: svc.display_name }) : null),
          h('td', { class: 'num c-cpu', 'data-cpu': v === null ? '' : v.toFixed(1), text: v === null ? '…' : `${v.toFixed(1)} %` }),
          h('td', { class: 'num', text: `${(u.cpu_us / 1e6).toFixed(2)} s` }),
          h('td', { class: 'num c-threads', text: String(u.threads) }),
          h('td', { class: 'num', text: kib(u.stack_kib) }),
          h('td', { class: 'num', text: kib(u.image_kib) }),
          h('td', { class: 'chart' }, sparkline(pts, { spanMs: SPAN_MS })));
      });
      cards.push(h('article', { class: 'host', 'data-pid': host.pid, 'data-machine': m.name },
        h('header', {},
          h('h3', {}, host.group ? h('span', { class: 'mono', text: `svchost -k ${host.group}` }) : h('span', { text: 'own process' }),
            h('span', { class: 'muted', text: `  PID ${host.pid}${state.machines.length > 1 ? ' on ' + m.name : ''}` })),
          h('div', { class: 'stats' },
            h('span', {}, h('b', { text: cpu === null ? '…' : `${cpu.toFixed(1)} %` }), ' CPU'),
            h('span', {}, h('b', { text: String(host.threads ?? '—') }), ' threads'),
            h('span', {}, h('b', { text: kib(host.rss_kib) }), ' RSS'),
            h('span', {}, h('b', { text: kib(host.pss_kib) }), ' PSS'))),
        h('table', { class: 'grid usage' },
          h('thead', {}, h('tr', {}, ...['Service', 'CPU', 'CPU time', 'Threads', 'Stack', 'Image', 'CPU, last 5 minutes']
            .map((t, i) => h('th', { class: i > 0 && i < 6 ? 'num' : '', text: t })))),
          h('tbody', {}, ...rows))));
    }
  }
  $('#hosts').replaceChildren(...cards);
  $('#hosts-empty').hidden = cards.length > 0;
}

async function loadHosts() {
  try {
    const list = await api('GET', 'hosts');
    const by = new Map();
    for (const host of list) {
      if (!by.has(host.machine)) by.set(host.machine, []);
      by.get(host.machine).push(host);
    }
    for (const m of state.machines) onHosts({ machine: m.name, time_ms: Date.now(), hosts: by.get(m.name) || [] });
  } catch (e) { /* the stream brings them */ }
}

// ---- Events ------------------------------------------------------------------

function eventMatches(e) {
  const f = state.eventFilter;
  if (f.id !== '' && String(e.id) !== f.id) return false;
  if (f.service !== '' && (e.service || '').toLowerCase() !== f.service.toLowerCase()) return false;
  return true;
}

// Local time as 2026-12-01 23:49:10.482: sortable, and the milliseconds
// tell apart events of one second.
function stamp(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function renderEvents() {
  $('#events tbody').replaceChildren(...state.events.map((e) => h('tr', { 'data-id': e.id, 'data-service': e.service || '', class: e.id === 0 || (e.id >= 7000 && ![7036, 7040, 7045].includes(e.id)) ? 'ev-error' : '' },
    h('td', { class: 'col-machine', text: e.machine }),
    h('td', { class: 'nowrap mono', text: stamp(e.time_ms) }),
    h('td', { class: 'num mono', text: String(e.id) }),
    h('td', { class: 'mono', text: e.service || '—' }),
    h('td', { text: e.text }))));
  $('#events-empty').hidden = state.events.length > 0;
}

// Requests of the list made so far: an answer to an older one (the whole
// list asked for when the tab opened, say, coming after the filtered one)
// is dropped rather than shown over the newer.
let eventsAsked = 0;

async function loadEvents() {
  const f = state.eventFilter;
  const q = new URLSearchParams({ limit: '500' });
  const mine = ++eventsAsked;
  if (f.id !== '') q.set('id', f.id);
  if (f.service !== '') q.set('service', f.service);
  try {
    const list = await api('GET', 'events?' + q);
    if (mine !== eventsAsked) return;
    state.events = list.sort((a, b) => b.time_ms - a.time_ms || b.record - a.record);
    renderEvents();
  } catch (e) {
    if (mine === eventsAsked) toast(`Events: ${e.message}`);
  }
}

function applyEventFilter() {
  const id = $('#ev-id').value.trim();
  if (id !== '' && !/^\d+$/.test(id)) { toast('Event ID: a number, such as 7036'); return; }
  state.eventFilter = { id, service: $('#ev-service').value.trim() };
  loadEvents();
}

// ---- Views and wiring --------------------------------------------------------

function showView(name) {
  state.view = name;
  $$('.views button').forEach((b) => b.classList.toggle('active', b.dataset.view === name));
  $$('.view').forEach((v) => { v.hidden = v.id !== `view-${name}`; });
  if (name === 'hosts') renderHosts();
  if (name === 'events') loadEvents();
  history.replaceState(null, '', '#' + name);
}

function wire() {
  $$('.views button').forEach((b) => b.addEventListener('click', () => showView(b.dataset.view)));
  $$('#services th').forEach((th) => th.addEventListener('click', () => {
    const k = th.dataset.key;
    state.sort = { key: k, dir: state.sort.key === k ? -state.sort.dir : 1 };
    renderServices();
  }));
  $('#filter').addEventListener('input', (e) => { state.filter = e.target.value; renderServices(); });
  $$('#view-services .actions [data-action]').forEach((b) => b.addEventListener('click', () => act(b.dataset.action, state.selected)));
  $('#btn-properties').addEventListener('click', () => openProperties(state.selected));
  $$('#props .tabs button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
  $$('[data-paction]').forEach((b) => b.addEventListener('click', () => act(b.dataset.paction, props.key)));
  $('#p-reset-never').addEventListener('change', (e) => { $('#p-reset').disabled = e.target.checked; });
  $('#props-apply').addEventListener('click', () => applyProperties());
  $('#props-ok').addEventListener('click', async () => { if (await applyProperties()) closeProperties(); });
  $('#props-cancel').addEventListener('click', closeProperties);
  $('#props-close').addEventListener('click', closeProperties);
  $('#props').addEventListener('close', () => { props.key = null; });
  $('#ev-apply').addEventListener('click', applyEventFilter);
  $('#ev-clear').addEventListener('click', () => { $('#ev-id').value = ''; $('#ev-service').value = ''; applyEventFilter(); });
  for (const id of ['#ev-id', '#ev-service']) $(id).addEventListener('keydown', (e) => { if (e.key === 'Enter') applyEventFilter(); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && state.view === 'services' && state.selected && !$('#props').open &&
      document.activeElement === document.body) openProperties(state.selected);
  });
}

function startStream() {
  stream({
    hello: () => { loadMachines().then(() => { loadServices(); loadHosts(); if (state.view === 'events') loadEvents(); }); },
    status: (s) => {
      if (!state.services.has(keyOf(s))) { loadServices(); return; }
      upsert(s);
      renderServices();
    },
    service: (s) => { upsert(s); renderServices(); },
    removed: (s) => { state.services.delete(keyOf(s)); renderServices(); },
    machine: (m) => {
      const i = state.machines.findIndex((x) => x.name === m.name);
      if (i >= 0) state.machines[i] = m; else state.machines.push(m);
      renderMachines();
      if (m.connected) loadServices();
    },
    hosts: onHosts,
    event: (e) => {
      if (!eventMatches(e)) return;
      state.events.unshift(e);
      if (state.events.length > 2000) state.events.length = 2000;
      if (state.view === 'events') renderEvents();
    },
    resync: () => { loadServices(); loadEvents(); },
  }, setLive);
}

wire();
const initial = (location.hash || '#services').slice(1);
showView(['services', 'hosts', 'events'].includes(initial) ? initial : 'services');
loadMachines().then(() => { loadServices(); loadHosts(); });
startStream();
