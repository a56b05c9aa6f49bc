// The admin page: cluster, transactions and one transaction's timeline, read from the node that served the page.
// Plain modules, no build step; every value from the API is put in the page as text, never as HTML.

const REFRESH_MS = 2000;
const PAGE_SIZE = 20;
const view = document.getElementById('view');
let current = null; // { key, refresh() } of the view on screen
let timer = null;

// ---- HTTP ---------------------------------------------------------------------------------------------------

class ApiError extends Error {}

async function api(path, init = {}) {
  const headers = { ...(init.headers || {}) };
  const token = sessionStorage.getItem('ratchet.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  if (init.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...init, headers });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (response.status === 401) {
    document.getElementById('token-form').hidden = false;
    throw new ApiError('This node needs a token: enter an admin token above.');
  }
  if (!response.ok) {
    const message = body && body.message ? body.message : text || response.statusText;
    throw new ApiError(`${init.method || 'GET'} ${path} answered ${response.status}: ${message}`);
  }
  return body;
}

// ---- DOM helpers ----------------------------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children, skipping absent ones (replaceChildren would print "null"). */
const fill = (el, ...children) =>
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
const status = (s) => h('span', { class: 'status ' + (s || '') }, s ?? '');
const time = (t) => (t ? new Date(t).toLocaleString() : '');
const num = (n) => (n === undefined || n === null ? '' : Number(n).toLocaleString());

function table(id, columns, rows, rowAttrs = () => ({})) {
  return h('table', { id },
    h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', {}, label)))),
    h('tbody', {}, rows.map((r) => h('tr', rowAttrs(r), columns.map(([, cell, cls]) => h('td', { class: cls }, cell(r)))))));
}

let actionBanner = false; // the answer to an action stays until the next route; a load error until the next load

function banner(message, ok = false, fromAction = false) {
  const el = document.getElementById('banner');
  actionBanner = fromAction && Boolean(message);
  el.hidden = !message;
  el.className = ok ? 'banner ok' : 'banner';
  el.textContent = message || '';
}

// ---- cluster --------------------------------------------------------------------------------------------------

function clusterView() {
  const nodes = h('div');
  const metrics = h('div', { class: 'cards', id: 'metrics' });
  view.replaceChildren(h('h2', {}, 'Nodes'), nodes, h('h2', {}, 'Metrics of this node'), metrics);
  return async () => {
    const [cluster, m] = await Promise.all([api('/api/ratchet/cluster'), api('/api/ratchet/metrics')]);
    nodes.replaceChildren(table('nodes', [
      ['node', (n) => n.id],
      ['url', (n) => h('a', { href: n.url + '/admin/' }, n.url)],
      ['state', (n) => status(n.up ? (n.healthy === false ? 'error' : 'up') : 'down')],
      ['role', (n) => (n.role ? status(n.role) : '')],
      ['term', (n) => num(n.term), 'num'],
      ['commit', (n) => num(n.commitIndex), 'num'],
      ['applied', (n) => num(n.appliedIndex), 'num'],
      ['lag', (n) => num(n.lag), 'num'],
      ['snapshot', (n) => num(n.snapshotIndex), 'num'],
      ['journal MiB', (n) => (n.journalBytes === undefined ? '' : (n.journalBytes / 1048576).toFixed(1)), 'num'],
      ['problem', (n) => h('span', { class: 'muted' }, n.error || '')],
    ], cluster.nodes, (n) => ({ 'data-node': n.id, 'data-role': n.role || 'down' })));
    metrics.replaceChildren(...metricCards(m));
  };
}

/** Groups the flat metric names into cards: transactions, branch calls, engine, raft, jvm. */
function metricCards(m) {
  const groups = [
    ['Transactions', 'ratchet.transactions.'], ['Branch calls', 'ratchet.branch.calls.'],
    ['Retries', 'ratchet.branch.retries.'], ['Engine', 'ratchet.engine.'], ['Raft', 'ratchet.raft.'],
    ['Apply, snapshots, failover', 'ratchet.apply', 'ratchet.snapshots', 'ratchet.leader.'],
    ['JVM memory', 'jvm.memory.heap.', 'jvm.memory.non-heap.used'],
  ];
  return groups.map(([title, ...prefixes]) => {
    const rows = Object.keys(m).sort().filter((k) => prefixes.some((p) => k.startsWith(p)));
    const hint = rows.length ? null : h('p', { class: 'muted' },
      title === 'Branch calls' ? 'none on this node: the leader makes and times the calls' : 'none yet');
    return h('div', { class: 'card' }, h('h3', {}, title), hint, h('dl', {}, rows.map((k) => {
      const v = m[k];
      const shown = v !== null && typeof v === 'object'
        ? `${num(v.count)} · p50 ${v.p50_ms.toFixed(1)} ms · p99 ${v.p99_ms.toFixed(1)} ms`
        : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : num(v);
      return [h('dt', {}, k.slice(prefixes.find((p) => k.startsWith(p)).length) || k), h('dd', {}, shown)];
    })));
  });
}

// ---- transactions ---------------------------------------------------------------------------------------------

function transactionsView(params) {
  const field = (name, input) => h('label', {}, name, input);
  const value = (k) => params.get(k) || '';
  const option = (v, label = v) => h('option', { value: v }, label);
  const statusSelect = h('select', { name: 'status' }, option('', 'any'),
    ['prepared', 'submitted', 'aborting', 'succeed', 'failed'].map((s) => option(s)));
  const modeSelect = h('select', { name: 'transType' }, option('', 'any'),
    ['saga', 'tcc', 'msg', 'xa', 'workflow'].map((s) => option(s)));
  statusSelect.value = value('status');
  modeSelect.value = value('transType');
  const gid = h('input', { name: 'gidPrefix', id: 'filter-gid', placeholder: 'gid prefix', value: value('gidPrefix') });
  const from = h('input', { name: 'from', type: 'datetime-local', value: value('from') });
  const to = h('input', { name: 'to', type: 'datetime-local', value: value('to') });
  const form = h('form', {
    class: 'filters', onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const el of [statusSelect, modeSelect, gid, from, to]) if (el.value) q.set(el.name, el.value);
      location.hash = '#/transactions?' + q;
    },
  }, field('status', statusSelect), field('mode', modeSelect), field('gid', gid), field('created from', from),
  field('created to', to), h('button', { type: 'submit', id: 'apply-filters' }, 'Filter'));
  const list = h('div');
  const position = params.get('position') || '';
  view.replaceChildren(form, list);
  return async () => {
    const q = new URLSearchParams({ limit: PAGE_SIZE });
    for (const k of ['status', 'transType', 'gidPrefix']) if (value(k)) q.set(k, value(k));
    if (value('from')) q.set('createTimeStart', new Date(value('from')).getTime());
    if (value('to')) q.set('createTimeEnd', new Date(value('to')).getTime());
    if (position) q.set('position', position);
    const page = await api('/api/dtmsvr/all?' + q);
    const pageLink = (pos) => {
      const next = new URLSearchParams(params);
      if (pos) next.set('position', pos); else next.delete('position');
      return '#/transactions?' + next;
    };
    fill(list,
      table('transactions', [
        ['gid', (t) => h('a', { href: '#/tx/' + encodeURIComponent(t.gid), class: 'mono' }, t.gid)],
        ['mode', (t) => t.trans_type], ['status', (t) => status(t.status)],
        ['created', (t) => time(t.create_time)], ['updated', (t) => time(t.update_time)],
        ['reason', (t) => h('span', { class: 'muted' }, t.rollback_reason || '')],
      ], page.transactions, (t) => ({
        class: 'clickable', 'data-gid': t.gid, onclick: (e) => {
          if (e.target.tagName !== 'A') location.hash = '#/tx/' + encodeURIComponent(t.gid);
        },
      })),
      page.transactions.length === 0 ? h('p', { class: 'muted' }, 'No transaction matches.') : null,
      h('div', { class: 'actions' },
        position ? h('a', { href: pageLink(''), id: 'first-page' }, 'First page') : null,
        page.next_position ? h('a', { href: pageLink(page.next_position), id: 'next-page' }, 'Next page') : null));
  };
}

// ---- one transaction ------------------------------------------------------------------------------------------

function transactionView(gid) {
  const fields = h('dl', { class: 'fields' });
  const retry = h('button', { id: 'retry-now', onclick: () => act('resetNextCronTime', 'Retry scheduled now') },
    'Retry now');
  const stop = h('button', {
    id: 'force-stop', class: 'danger', onclick: () => {
      if (confirm(`Force stop ${gid}? It ends as failed, without compensating anything.`)) act('forceStop', 'Stopped');
    },
  }, 'Force stop');
  const branches = h('div');
  const timeline = h('div');
  view.replaceChildren(h('h2', { class: 'mono' }, gid), fields, h('div', { class: 'actions' }, retry, stop),
    h('h2', {}, 'Branches'), branches, h('h2', {}, 'Timeline'), timeline);

  async function act(endpoint, done) {
    try {
      await api('/api/dtmsvr/' + endpoint, { method: 'POST', body: JSON.stringify({ gid }) });
      banner(`${done}: ${gid}`, true, true);
      await refresh();
    } catch (e) {
      banner(e.message, false, true);
    }
  }

  async function refresh() {
    // ?gid= rather than a path segment: it carries any gid, "." and ".." too (path normalisation drops those)
    const d = await api('/api/ratchet/transactions?' + new URLSearchParams({ gid }));
    const t = d.transaction;
    const finished = t.status === 'succeed' || t.status === 'failed';
    retry.disabled = finished;
    stop.disabled = finished;
    const rows = [['status', status(t.status)], ['mode', t.trans_type], ['created', time(t.create_time)],
      ['updated', time(t.update_time)], ['finished', time(t.finish_time)], ['next attempt', time(t.next_cron_time)],
      ['retry interval', t.next_cron_interval ? t.next_cron_interval + ' s' : ''],
      ['rollback reason', t.rollback_reason || ''], ['custom data', h('span', { class: 'mono' }, t.custom_data || '')]];
    fields.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k),
      h('dd', { id: 'field-' + k.replace(/ /g, '-') }, v)]));
    branches.replaceChildren(table('branches', [
      ['branch', (b) => b.branch_id], ['op', (b) => b.op], ['status', (b) => status(b.status)],
      ['url', (b) => h('span', { class: 'mono' }, b.url)], ['updated', (b) => time(b.update_time)],
      ['finished', (b) => time(b.finish_time)],
    ], d.branches, (b) => ({ 'data-branch': b.branch_id + '/' + b.op })));
    fill(timeline,
      d.timeline_dropped ? h('p', { class: 'muted' }, `${d.timeline_dropped} older steps not kept`) : null,
      table('timeline', [
        ['time', (s) => time(s.time)], ['raft index', (s) => num(s.index), 'num'], ['term', (s) => s.term, 'num'],
        ['command', (s) => s.command], ['branch', (s) => s.branch_id || ''], ['op', (s) => s.op || ''],
        ['result', (s) => (s.result ? status(s.result) : '')], ['node', (s) => s.node || ''],
        ['duration', (s) => (s.duration_ms === null || s.duration_ms === undefined ? '' : s.duration_ms + ' ms'), 'num'],
        ['status after', (s) => status(s.status)],
      ], d.timeline, (s) => ({ 'data-index': s.index })));
  }
  return refresh;
}

// ---- routing and refresh --------------------------------------------------------------------------------------

/** The gid of a #/tx/ hash (encodeURIComponent'd by the links), or the text as typed if it is not valid encoding. */
function decodeHashGid(encoded) {
  try {
    return decodeURIComponent(encoded);
  } catch (e) {
    return encoded;
  }
}

function route() {
  const [path, query] = (location.hash.slice(1) || '/cluster').split('?');
  const params = new URLSearchParams(query || '');
  banner('');
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', path.startsWith(a.getAttribute('href').slice(1)));
  }
  if (path.startsWith('/tx/')) current = transactionView(decodeHashGid(path.slice(4)));
  else if (path === '/transactions') current = transactionsView(params);
  else current = clusterView();
  tick();
}

async function tick() {
  clearTimeout(timer);
  const shown = current;
  try {
    await shown();
    if (!actionBanner) banner('');
  } catch (e) {
    banner(e instanceof ApiError ? e.message : 'Cannot reach this node: ' + e.message);
  }
  if (shown === current && document.getElementById('auto-refresh').checked) timer = setTimeout(tick, REFRESH_MS);
}

document.getElementById('auto-refresh').addEventListener('change', tick);
document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('ratchet.token', document.getElementById('token').value);
  document.getElementById('token-form').hidden = true;
  tick();
});
window.addEventListener('hashchange', route);
api('/api/ratchet/status').then((s) => {
  document.getElementById('node').textContent = `node ${s.id} (${s.role})`;
}).catch(() => {});
route();
