// svcconsole driven in Debian's headless Chromium by playwright-core
// (console.sh sets it up).  Each step prints "ok - NAME"; the last line is
// "N passed, 0 failed", or the run stops at the first failure.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';

const URL0 = process.env.CONSOLE_URL;
const BIN = process.env.BIN;
const ROOT = process.env.ROOT;
const SHOTS = process.env.SHOTS || '';
const base = new URL(URL0);
const origin = `http://${base.host}`;
let passed = 0;

async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
  } catch (e) {
    console.log(`not ok - ${name}`);
    console.log(e && e.stack ? e.stack : e);
    if (process.env.FAIL_SHOT && globalThis.currentPage) {
      await globalThis.currentPage.screenshot({ path: process.env.FAIL_SHOT }).catch(() => {});
    }
    console.log(`${passed} passed, 1 failed`);
    process.exit(1);
  }
  passed++;
  console.log(`ok - ${name} (${Date.now() - t} ms)`);
}

function sc(...args) {
  try {
    return execFileSync(`${BIN}/sc`, args, { encoding: 'utf8', env: { ...process.env, SVCHOST_ROOT: ROOT } });
  } catch (e) {
    return (e.stdout || '') + (e.stderr || '');
  }
}

const scState = (name) => (/STATE\s+:\s+\d+\s+(\w+)/.exec(sc('query', name)) || [])[1];

async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A plain HTTP request, with exactly these headers (fetch would not let a
// test set Host).
function raw(method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: { Host: base.host, ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(data); } catch (e) { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text: data, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ---- Before any browser: nothing without the token ---------------------

await step('a request without the token gets 401 and nothing else', async () => {
  for (const p of ['/', '/api/services', '/app.js', '/api/stream', '/?token=0123456789abcdef']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 401, p);
    assert.ok(!/Alpha|<html|svchost/i.test(r.text), `401 for ${p} says more than 401: ${r.text}`);
    assert.equal(r.headers['set-cookie'], undefined);
  }
  const r = await raw('POST', '/api/machines/localhost/services/Alpha/start', { 'X-Svcconsole': '1' });
  assert.equal(r.status, 401);
  assert.equal(scState('Alpha'), 'STOPPED');
});

// ---- The browser -----------------------------------------------------------

const context = await chromium.launchPersistentContext(process.env.CHROMIUM_PROFILE, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1360, height: 820 },
});
const page = context.pages()[0] || await context.newPage();
page.on('pageerror', (e) => { console.log(`page error: ${e.message}`); });
page.on('console', (m) => { if (m.type() === 'error') console.log(`page console: ${m.text()}`); });
globalThis.currentPage = page;
const row = (name) => page.locator(`#services tbody tr[data-name="${name}"]`);
const rowState = (name) => row(name).getAttribute('data-state');
let cookie;

// Opens a service's Properties from its row and waits until they are filled.
async function properties(name) {
  await row(name).dblclick();
  await page.locator('#props').waitFor();
  await until(`Properties of ${name}`, async () => (await page.textContent('#p-name')) === name);
}

await step('the URL\'s token becomes an HttpOnly SameSite=Strict cookie and leaves the address', async () => {
  await page.goto(URL0);
  assert.equal(new URL(page.url()).search, '', `the token stays in the address: ${page.url()}`);
  await row('Alpha').waitFor();
  const c = (await context.cookies(origin)).find((x) => x.name.startsWith('svcconsole-'));
  assert.ok(c, 'no session cookie');
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');
  cookie = `${c.name}=${c.value}`;
  assert.equal(await page.evaluate(() => document.cookie), '', 'the page can read the cookie');
});

await step('the token is spent after its first use', async () => {
  const r = await raw('GET', base.pathname + base.search);
  assert.equal(r.status, 401);
});

await step('the list shows every service with its columns', async () => {
  const cells = await row('Alpha').locator('td').allTextContents();
  assert.ok(cells.includes('Alpha web front end'), cells.join('|'));
  assert.ok(cells.includes("Answers the front door; restarted by its failure actions."), cells.join('|'));
  assert.ok(cells.includes('Stopped') && cells.includes('Manual') && cells.includes('LocalSystem') && cells.includes('web'), cells.join('|'));
  const other = await row('Other').locator('td').allTextContents();
  assert.ok(other.includes('Running') && other.includes('shared'), other.join('|'));
  const pid = /PID\s+:\s+(\d+)/.exec(sc('queryex', 'Other'))[1];
  assert.equal(await row('Other').locator('.c-pid').textContent(), pid);
  // Sorted by name; by status when its header is clicked, and filtered.
  const names = await page.locator('#services tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.name));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  await page.click('#services th[data-key="state"]');
  const byState = await page.locator('#services tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.state));
  assert.equal(byState[byState.length - 1], 'STOPPED');
  assert.equal(byState[0], 'RUNNING');
  await page.click('#services th[data-key="name"]');
  await page.fill('#filter', 'report');
  assert.deepEqual(await page.locator('#services tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.name)), ['Beta']);
  await page.fill('#filter', '');
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
  }
});

// Set once, checked at the end: a reload would lose it.
await page.evaluate(() => { window.__noReload = true; });

await step('Start: the row becomes RUNNING without a reload', async () => {
  await row('Alpha').click();
  await page.click('#btn-start');
  await until('Alpha RUNNING on the page', async () => (await rowState('Alpha')) === 'RUNNING');
  assert.equal(scState('Alpha'), 'RUNNING');
  assert.equal(await page.evaluate(() => window.__noReload), true);
});

await step('a change made elsewhere (sc) shows up live', async () => {
  sc('start', 'Beta');
  await until('Beta RUNNING on the page', async () => (await rowState('Beta')) === 'RUNNING');
  if (SHOTS) {
    await row('Alpha').click();
    await page.screenshot({ path: `${SHOTS}/console-services.png` });
  }
});

await step('Pause and Continue', async () => {
  await row('Alpha').click();
  await page.click('#btn-pause');
  await until('Alpha PAUSED', async () => (await rowState('Alpha')) === 'PAUSED');
  assert.equal(scState('Alpha'), 'PAUSED');
  assert.equal(await page.isDisabled('#btn-pause'), true);
  await page.click('#btn-continue');
  await until('Alpha RUNNING again', async () => (await rowState('Alpha')) === 'RUNNING');
  assert.equal(scState('Alpha'), 'RUNNING');
});

await step('a reply that the live stream overtook does not undo its news', async () => {
  // The reply to Pause is held back until the stream has shown Alpha
  // PAUSED, then (sc continued it) RUNNING; the late reply (PAUSED, read before) must
  // not put the row back to PAUSED, where nothing would correct it (the
  // stream sends changes only).
  const url = '**/api/machines/localhost/services/Alpha/pause';
  let release;
  const held = new Promise((resolve) => {
    page.route(url, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await new Promise((go) => { release = go; resolve(body); });
      await route.fulfill({ response });
    });
  });
  await row('Alpha').click();
  await page.click('#btn-pause');
  const reply = await held;
  assert.equal(reply.state, 'PAUSED');
  assert.equal(typeof reply.seq, 'number');
  // The stream tells every page what an action's reply says.
  await until('Alpha PAUSED from the stream', async () => (await rowState('Alpha')) === 'PAUSED');
  sc('continue', 'Alpha');
  await until('Alpha RUNNING from the stream', async () => (await rowState('Alpha')) === 'RUNNING');
  const answered = page.waitForResponse((r) => r.url().endsWith('/services/Alpha/pause'));
  release();
  await answered;
  // A second, five polls of the stream: time for the reply to be applied
  // (at once), and for a poll that would set it right (none would).
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await rowState('Alpha'), 'RUNNING', `the late reply's PAUSED replaced RUNNING (${i * 100} ms)`);
  }
  await page.unroute(url);
  assert.equal(scState('Alpha'), 'RUNNING');
});

await step('an error shows the Win32 code and message', async () => {
  sc('config', 'Burner', 'start=', 'disabled');
  // A change made with sc reaches the list too.
  await until('Disabled in the list', async () => (await row('Burner').locator('.c-start').textContent()) === 'Disabled');
  await row('Burner').click();
  await page.click('#btn-start');
  const t = page.locator('#toasts .toast', { hasText: 'Burner' });
  await t.waitFor();
  assert.match(await t.textContent(), /Could not start Burner: Error 1058: The service cannot be started, either because it is disabled/);
  assert.equal(scState('Burner'), 'STOPPED');
  sc('config', 'Burner', 'start=', 'demand');
  await until('Manual in the list', async () => (await row('Burner').locator('.c-start').textContent()) === 'Manual');
});

await step('Properties: General, Log On, Dependencies show the service', async () => {
  await properties('Alpha');
  assert.equal(await page.textContent('#p-name'), 'Alpha');
  assert.equal(await page.inputValue('#p-display'), 'Alpha web front end');
  assert.equal(await page.inputValue('#p-path'), 'svchost -k web');
  assert.equal(await page.inputValue('#p-start'), 'demand');
  assert.equal(await page.getAttribute('#p-state', 'data-state'), 'RUNNING');
  if (SHOTS) {
    await page.evaluate(() => document.querySelector('#toasts').replaceChildren());
    await page.screenshot({ path: `${SHOTS}/console-properties.png` });
  }
  await page.click('#props .tabs [data-tab="logon"]');
  assert.equal(await page.inputValue('#p-account'), 'LocalSystem');
  await page.click('#props .tabs [data-tab="deps"]');
  assert.deepEqual(await page.locator('#p-dependents li').evaluateAll((l) => l.map((x) => x.dataset.name)), ['Beta']);
  assert.equal(await page.locator('#p-depends-on li[data-name]').count(), 0);
  await page.click('#props-cancel');
  await properties('Beta');
  await page.click('#props .tabs [data-tab="deps"]');
  assert.deepEqual(await page.locator('#p-depends-on li').evaluateAll((l) => l.map((x) => x.dataset.name)), ['Alpha']);
  await page.click('#props-cancel');
});

await step('Properties: the start type changed, and sc qc agrees', async () => {
  await properties('Alpha');
  await page.selectOption('#p-start', 'auto');
  await page.click('#props-ok');
  await page.locator('#props').waitFor({ state: 'hidden' });
  assert.match(sc('qc', 'Alpha'), /START_TYPE\s+:\s+2\s+AUTO_START/);
  await until('Automatic in the list', async () => (await row('Alpha').locator('.c-start').textContent()) === 'Automatic');
  // A bad value is refused with the API's message, and nothing changes.
  await properties('Alpha');
  await page.fill('#p-path', '');
  await page.click('#props-apply');
  await page.locator('#props-error').waitFor();
  assert.match(await page.textContent('#props-error'), /Error 87: binary_path: must not be empty/);
  await page.click('#props-cancel');
  assert.match(sc('qc', 'Alpha'), /BINARY_PATH_NAME\s+:\s+svchost -k web/);
});

await step('Recovery: a restart action set, and sc qfailure agrees', async () => {
  await properties('Alpha');
  await page.click('#props .tabs [data-tab="recovery"]');
  for (const i of [0, 1, 2]) {
    await page.selectOption(`.p-action[data-i="${i}"]`, 'restart');
    await page.fill(`.p-delay[data-i="${i}"]`, '0');
  }
  await page.uncheck('#p-reset-never');
  await page.fill('#p-reset', '86400');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-recovery.png` });
  await page.click('#props-ok');
  await page.locator('#props').waitFor({ state: 'hidden' });
  const q = sc('qfailure', 'Alpha');
  assert.match(q, /RESET_PERIOD \(in seconds\)\s+:\s+86400/);
  assert.match(q, /RESTART -- Delay = 0 milliseconds/);
});

await step('its host killed, the service comes back in a new process (restart action)', async () => {
  const old = Number(await row('Alpha').locator('.c-pid').textContent());
  assert.ok(old > 0);
  process.kill(old, 'SIGKILL');
  await until('Alpha RUNNING in a new host', async () => {
    const pid = Number(await row('Alpha').locator('.c-pid').textContent());
    return (await rowState('Alpha')) === 'RUNNING' && pid > 0 && pid !== old;
  }, 15000);
  const pid = /PID\s+:\s+(\d+)/.exec(sc('queryex', 'Alpha'))[1];
  assert.equal(await row('Alpha').locator('.c-pid').textContent(), pid);
});

await step('Hosts: the CPU of a burning service rises', async () => {
  await page.click('#tab-hosts');
  const burner = page.locator('#hosts tr[data-service="Burner"]');
  // Shown first without it: the Hosts view would list it if it ran.
  await page.locator('#hosts tr[data-service="Other"]').waitFor();
  assert.equal(await burner.count(), 0);
  await page.click('#tab-services');
  await row('Burner').click();
  await page.click('#btn-start');
  await until('Burner RUNNING', async () => (await rowState('Burner')) === 'RUNNING').catch(async (e) => {
    // What each side saw, for a failure that is rare.
    const seen = await page.evaluate(() => ({
      selected: document.querySelector('#services tbody tr.selected')?.dataset.key,
      toasts: [...document.querySelectorAll('#toasts .toast')].map((t) => t.textContent),
    }));
    throw new Error(`${e.message}: sc says ${scState('Burner')}, the row ${await rowState('Burner')}, ` +
      `page ${JSON.stringify(seen)}`);
  });
  await page.click('#tab-hosts');
  // A spinning thread gets its share of a CPU even on a loaded machine
  // (a tenth of one with 20 runnable threads on two CPUs); the quiet
  // service beside it stays near zero.
  let hot = 0;
  await until('Burner above 10 % of a CPU', async () => {
    if ((await burner.count()) === 0) return false;
    const v = await burner.locator('.c-cpu').getAttribute('data-cpu');
    hot = Number(v);
    return v !== '' && hot > 10;
  }, 15000);
  const quiet = await page.locator('#hosts tr[data-service="Other"] .c-cpu').getAttribute('data-cpu');
  assert.ok(quiet === '' || Number(quiet) < hot / 4, `Other burns ${quiet} %, Burner ${hot} %`);
  assert.equal(await burner.locator('.c-threads').textContent(), '2');
  assert.equal(await burner.locator('svg.spark').count(), 1);
  if (SHOTS) {
    await new Promise((r) => setTimeout(r, Number(process.env.SHOTS_WAIT_MS || 0)));
    await page.mouse.move(0, 400);
    await page.screenshot({ path: `${SHOTS}/console-hosts.png` });
  }
});

await step('Events: filtered by event ID and service', async () => {
  await page.click('#tab-events');
  await page.fill('#ev-id', '7036');
  await page.fill('#ev-service', 'Alpha');
  await page.click('#ev-apply');
  const shown = () => page.locator('#events tbody tr').evaluateAll((rs) => rs.map((r) => [r.dataset.id, r.dataset.service, r.lastChild.textContent]));
  // The list shown before the filter stays until the filtered one comes.
  let rows = [];
  await until('7036 of Alpha only', async () => {
    rows = await shown();
    return rows.length > 0 && rows.every(([id, svc]) => id === '7036' && svc === 'Alpha');
  });
  assert.ok(rows.some(([, , text]) => /entered the paused state/.test(text)), JSON.stringify(rows));
  if (SHOTS) {
    await page.click('#ev-clear');
    await until('every event', async () => (await page.locator('#events tbody tr').count()) > rows.length);
    await page.screenshot({ path: `${SHOTS}/console-events.png` });
    await page.fill('#ev-id', '7036');
    await page.fill('#ev-service', 'Alpha');
    await page.click('#ev-apply');
    await until('7036 of Alpha again', async () => (await page.locator('#events tbody tr').count()) === rows.length);
  }
  // Live: a new event of the filter appears without asking.
  const before = rows.length;
  sc('pause', 'Alpha');
  await until('a new 7036 row', async () => (await page.locator('#events tbody tr').count()) > before);
  sc('continue', 'Alpha');
  const all = await raw('GET', '/api/events?id=7045', { Cookie: cookie });
  assert.equal(all.status, 200);
  assert.equal(all.json.length, 4, all.text);
  assert.ok(all.json.every((e) => e.id === 7045 && /Service Name: (Alpha|Beta|Other|Burner)/.test(e.text)), all.text);
  await page.click('#tab-services');
});

await step('bad requests: 404 with 1060, 400 for a malformed body, cross-site refused', async () => {
  const H = { Cookie: cookie, 'X-Svcconsole': '1' };
  let r = await raw('GET', '/api/machines/localhost/services/NoSuchService', { Cookie: cookie });
  assert.equal(r.status, 404);
  assert.equal(r.json.error, 1060);
  assert.equal(r.json.message, 'The specified service does not exist as an installed service.');
  r = await raw('POST', '/api/machines/localhost/services/NoSuchService/start', H);
  assert.equal(r.status, 404);
  assert.equal(r.json.error, 1060);
  r = await raw('PUT', '/api/machines/localhost/services/Alpha/config', { ...H, 'Content-Type': 'application/json' }, '{"start_type": ');
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 87);
  assert.match(r.json.message, /malformed JSON body/);
  r = await raw('PUT', '/api/machines/localhost/services/Alpha/config', H, '{"start_typ": "auto"}');
  assert.equal(r.status, 400);
  assert.match(r.json.message, /unknown field "start_typ"/);
  r = await raw('PUT', '/api/machines/localhost/services/Alpha/failure', H, '{"actions": [{"type": "explode", "delay": 0}]}');
  assert.equal(r.status, 400);
  r = await raw('POST', '/api/machines/localhost/services/Alpha/start', H);
  assert.equal(r.status, 409);
  assert.equal(r.json.error, 1056);
  r = await raw('GET', '/api/nothing/here', { Cookie: cookie });
  assert.equal(r.status, 404);

  // Cross-site: each of these would pause Alpha (the last request shows
  // that the same request with what a page of this console sends does).
  const pause = '/api/machines/localhost/services/Alpha/pause';
  for (const [why, hdrs] of [
    ['no X-Svcconsole header', { Cookie: cookie }],
    ['another Origin', { ...H, Origin: 'http://evil.example' }],
    ['a cross-site fetch', { ...H, 'Sec-Fetch-Site': 'cross-site' }],
    ['another Host (DNS rebinding)', { ...H, Host: `evil.example:${base.port}` }],
  ]) {
    r = await raw('POST', pause, hdrs);
    assert.equal(r.status, 403, why);
    assert.equal(r.json.error, 5, why);
    assert.equal(scState('Alpha'), 'RUNNING', why);
  }
  r = await raw('POST', pause, { ...H, Origin: origin, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(r.status, 200, r.text);
  await until('Alpha PAUSED', async () => scState('Alpha') === 'PAUSED');
  r = await raw('POST', '/api/machines/localhost/services/Alpha/continue', H);
  assert.equal(r.status, 200);

  // From a page of another origin in the browser: no cookie goes along.
  const other = await context.newPage();
  await other.goto('about:blank');
  const status = await other.evaluate(async (u) => {
    try {
      const res = await fetch(u, { method: 'POST', headers: { 'X-Svcconsole': '1' }, credentials: 'include' });
      return res.status;
    } catch (e) { return 'blocked'; }
  }, `${origin}/api/machines/localhost/services/Alpha/stop`);
  await other.close();
  assert.ok(status === 'blocked' || status === 401 || status === 403, String(status));
  assert.equal(scState('Alpha'), 'RUNNING');
});

await step('scmd restarting: errors meanwhile, then the console reconnects', async () => {
  process.kill(Number(process.env.SCMD), 'SIGKILL');
  await until('the machine banner', async () => page.isVisible('#machines-banner .machine-down'), 20000);
  assert.match(await page.textContent('#machines-banner'), /1722/);
  const r = await raw('GET', '/api/services', { Cookie: cookie });
  assert.equal(r.status, 502);
  assert.equal(r.json.error, 1722);
  const scmd = spawn(`${BIN}/scmd`, ['--root', ROOT], { detached: true, stdio: 'ignore', env: { ...process.env, SVCHOST_ROOT: ROOT } });
  scmd.unref();
  await until('the banner gone', async () => !(await page.isVisible('#machines-banner .machine-down')), 30000);
  await row('Alpha').click();
  await page.click('#btn-pause');
  await until('Alpha PAUSED after the restart', async () => (await rowState('Alpha')) === 'PAUSED', 20000);
  assert.equal(scState('Alpha'), 'PAUSED');
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was reloaded');
  const err = readFileSync(`${ROOT}/console.err`, 'utf8');
  assert.match(err, /svcconsole: localhost: error 1722: The RPC server is unavailable\.; reconnecting\n/);
  assert.match(err, /svcconsole: localhost: connected again\n/);
});

await context.close();
console.log(`${passed} passed, 0 failed`);
