// Roadcast command centre: plain JS over the serving API. The API key comes from ?key= and is sent as a Bearer header,
// also for the live stream (read with fetch, since EventSource cannot send headers).
'use strict';

// The key leaves the address bar at once: kept in this tab's sessionStorage, the URL replaced without it, so it is
// neither in the history, nor in a bookmark, nor (with Referrer-Policy: no-referrer) sent on to anyone.
function takeKey() {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('key');
  if (fromUrl) {
    sessionStorage.setItem('roadcast.key', fromUrl);
    params.delete('key');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
  }
  return sessionStorage.getItem('roadcast.key') || '';
}

const KEY = takeKey();
const SVG_NS = 'http://www.w3.org/2000/svg';
const LEVELS = ['free', 'basically-free', 'light', 'moderate', 'severe'];
const WORSEN_WITHIN_MIN = 30;
const state = { segments: [], horizons: [0], horizon: 0, selected: null, refreshTimer: null };

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: 'Bearer ' + KEY } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).error || detail; } catch (e) { /* not JSON */ }
    throw new Error(path + ': ' + response.status + ' ' + detail);
  }
  return response.json();
}

// The whole network at one horizon: /api/network answers in pages and names the next one.
async function networkAt(horizon) {
  const first = await api('/api/network?horizon=' + horizon);
  let next = first.next;
  while (next !== null && next !== undefined) {
    const page = await api('/api/network?horizon=' + horizon + '&offset=' + next);
    first.segments.push(...page.segments);
    next = page.next;
  }
  return first;
}

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function showMessage(text) {
  const m = document.getElementById('message');
  m.textContent = text;
  m.hidden = !text;
}

// Equirectangular projection around the network's mean latitude: fine at city scale, no tiles needed.
function layout(segments) {
  const located = segments.filter(s => s.latitude !== null && s.longitude !== null);
  const width = 1000, height = 700, pad = 30;
  const positions = new Map();
  let mapBottom = pad;
  if (located.length > 0) {
    const meanLat = located.reduce((a, s) => a + s.latitude, 0) / located.length;
    const k = Math.cos(meanLat * Math.PI / 180);
    const xs = located.map(s => s.longitude * k), ys = located.map(s => s.latitude);
    const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
    const unlocated = segments.length - located.length;
    const usableHeight = height - 2 * pad - (unlocated > 0 ? 60 : 0);
    const scale = Math.min((width - 2 * pad) / Math.max(maxX - minX, 1e-9), usableHeight / Math.max(maxY - minY, 1e-9));
    const offX = (width - (maxX - minX) * scale) / 2, offY = pad + (usableHeight - (maxY - minY) * scale) / 2;
    located.forEach((s, i) => positions.set(s.id, [offX + (xs[i] - minX) * scale, offY + (maxY - ys[i]) * scale]));
    mapBottom = offY + (maxY - minY) * scale + 30;
  }
  // segments without coordinates: a grid below the map, so that every segment is still on screen
  const rest = segments.filter(s => !positions.has(s.id));
  const perRow = Math.max(1, Math.floor((width - 2 * pad) / 22));
  rest.forEach((s, i) => positions.set(s.id,
    [pad + (i % perRow) * 22, Math.min(height - pad, mapBottom + Math.floor(i / perRow) * 22)]));
  return positions;
}

function drawNetwork(catalog) {
  state.segments = catalog.segments;
  const positions = layout(catalog.segments);
  const linksGroup = document.getElementById('links');
  const group = document.getElementById('segments');
  linksGroup.replaceChildren();
  group.replaceChildren();
  for (const [from, to] of catalog.links || []) {
    const a = positions.get(catalog.segments[from].id), b = positions.get(catalog.segments[to].id);
    if (a && b) el('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, linksGroup);
  }
  const radius = catalog.segments.length > 400 ? 4 : 7;
  for (const s of catalog.segments) {
    const [x, y] = positions.get(s.id);
    // extended = a road without a sensor, forecast by kriging from its observed neighbours: drawn dashed and lighter
    const coverage = s.coverage === 'extended' ? 'extended' : 'observed';
    const c = el('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: radius, class: 'level-none ' + coverage,
      'data-segment': s.id, 'data-level': 'none', 'data-coverage': coverage }, group);
    el('title', {}, c).textContent = s.id + (s.zone !== null ? ' (zone ' + s.zone + ')' : '');
    c.addEventListener('click', () => showChart(s.id));
  }
}

function colour(network) {
  const byId = new Map(network.segments.map(n => [n.segment, n]));
  for (const c of document.querySelectorAll('#segments circle')) {
    const n = byId.get(c.dataset.segment);
    const level = n && n.level ? n.level : 'none';
    if (n && n.coverage) c.dataset.coverage = n.coverage;
    // a forecast the model's validation skill does not support is drawn greyed (reliable: false); null = unknown
    const unreliable = !!n && n.reliable === false;
    c.setAttribute('class', 'level-' + level + ' ' + c.dataset.coverage + (unreliable ? ' unreliable' : '') +
      (c.dataset.segment === state.selected ? ' selected' : ''));
    c.dataset.level = level;
    c.dataset.reliable = !n || n.reliable === undefined || n.reliable === null ? 'unknown' : String(n.reliable);
    const kind = c.dataset.coverage === 'extended' ? ', no sensor: kriged' + (n && n.estimated ? ' estimate' : '') : '';
    c.querySelector('title').textContent = c.dataset.segment + ': ' +
      (n && n.speed !== null ? n.speed.toFixed(1) + ' (' + level + kind + ')' : 'no data' + kind) +
      (unreliable ? ' - unreliable forecast' + (n.skill !== null ? ' (skill ' + n.skill.toFixed(2) + ')' : '') : '');
  }
  document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
}

function setHorizons(horizons) {
  if (horizons.length === state.horizons.length && horizons.every((h, i) => h === state.horizons[i])) return;
  state.horizons = horizons;
  const slider = document.getElementById('horizon');
  slider.max = String(horizons.length - 1);
  slider.value = String(Math.max(0, horizons.indexOf(state.horizon)));
}

async function refreshNetwork() {
  const network = await networkAt(state.horizon);
  setHorizons(network.horizonsMin);
  colour(network);
  await refreshWorsening();
  await refreshOutlook();
  await refreshAlerts();
}

// Incident alerts computed as the service runs (/api/alerts): open ones first, then the recently cleared.
async function refreshAlerts() {
  const board = await api('/api/alerts?limit=20');
  document.getElementById('alerts-summary').textContent = board.open + ' open, ' + board.recentlyCleared +
    ' cleared in the last ' + (board.keptClearedMin || 0) + ' min';
  const list = document.getElementById('alerts');
  list.replaceChildren();
  for (const a of board.alerts) {
    const li = document.createElement('li');
    li.dataset.alert = a.id;
    li.dataset.alertSegment = a.segment; // not data-segment: that names the map's circles
    li.dataset.status = a.status;
    li.className = 'alert-' + a.status;
    const since = a.start.substring(11, 16) + ' UTC';
    li.textContent = a.segment + ': ' + Math.round(100 * a.severity) + '% below the expected speed since ' + since +
      (a.status === 'open' ? '' : ', cleared ' + a.clearedAt.substring(11, 16) + ' UTC');
    li.addEventListener('click', () => showChart(a.segment));
    list.appendChild(li);
  }
}

// Congestion clusters now, when each clears, where it spreads (/api/outlook), and the bulletin's plain words.
async function refreshOutlook() {
  const [outlook, bulletin] = await Promise.all([api('/api/outlook?limit=10'), api('/api/bulletin')]);
  document.getElementById('bulletin').textContent = bulletin.text;
  const list = document.getElementById('outlook');
  list.replaceChildren();
  const last = outlook.horizonsMin.length ? outlook.horizonsMin[outlook.horizonsMin.length - 1] : 0;
  for (const c of outlook.clusters) {
    const li = document.createElement('li');
    li.dataset.cluster = String(c.id);
    li.dataset.segments = c.segments.join(',');
    li.dataset.clears = c.clearsInMin === null ? 'beyond' : String(c.clearsInMin);
    li.dataset.spread = c.spread.map(s => s.segment).join(',');
    const where = c.size === 1 ? c.slowestSegment : c.size + ' segments around ' + c.slowestSegment;
    const clears = c.clearsInMin === null ? 'not clearing within ' + last + ' min'
      : 'clears in ' + c.clearsInMin + ' min (' + c.clearsAt.substring(11, 16) + ' UTC)';
    const spread = c.spread.length ? '; spreads to ' + c.spread.length + ' more within ' + outlook.spreadWithinMin + ' min'
      : '';
    li.textContent = where + ': ' + clears + spread + '; ' + Math.round(c.congestedSegmentMinutes) + ' congested segment-min';
    li.addEventListener('click', () => showChart(c.slowestSegment));
    list.appendChild(li);
  }
}

function rank(level) {
  const i = LEVELS.indexOf(level);
  return i < 0 ? -1 : i;
}

async function refreshWorsening() {
  const within = state.horizons.filter(h => h > 0 && h <= WORSEN_WITHIN_MIN).pop();
  const list = document.getElementById('worsening');
  if (within === undefined) { list.replaceChildren(); return; }
  document.getElementById('worsen-horizon').textContent = String(within);
  const [now, later] = await Promise.all([networkAt(0), networkAt(within)]);
  const laterById = new Map(later.segments.map(n => [n.segment, n]));
  const changes = [];
  for (const n of now.segments) {
    const l = laterById.get(n.segment);
    if (!l || n.speed === null || l.speed === null) continue;
    changes.push({ id: n.segment, from: n, to: l, drop: n.speed - l.speed, worse: rank(l.level) - rank(n.level) });
  }
  changes.sort((a, b) => (b.worse - a.worse) || (b.drop - a.drop));
  list.replaceChildren();
  for (const c of changes.filter(c => c.drop > 0 || c.worse > 0).slice(0, 10)) {
    const li = document.createElement('li');
    li.dataset.worsening = c.id;
    li.textContent = c.id + ': ' + c.from.speed.toFixed(1) + ' \u2192 ' + c.to.speed.toFixed(1) +
      ' (' + (c.from.level || '?') + ' \u2192 ' + (c.to.level || '?') + ')';
    li.addEventListener('click', () => showChart(c.id));
    list.appendChild(li);
  }
}

async function showChart(id) {
  state.selected = id;
  for (const c of document.querySelectorAll('#segments circle')) {
    c.classList.toggle('selected', c.dataset.segment === id);
  }
  const panel = document.getElementById('chart-panel');
  panel.hidden = false;
  document.getElementById('chart-title').textContent = id;
  const chart = document.getElementById('chart');
  chart.dataset.segment = id;
  let history, forecast = null;
  try {
    history = await api('/api/segments/' + encodeURIComponent(id) + '/history');
    forecast = await api('/api/segments/' + encodeURIComponent(id) + '/forecast').catch(() => null);
  } catch (e) {
    chart.textContent = e.message;
    return;
  }
  drawChart(chart, history, forecast);
}

function drawChart(container, history, forecast) {
  const W = 520, H = 260, L = 42, R = 24, T = 10, B = 28;
  const obs = history.observed.filter(o => o.speed !== null).map(o => [Date.parse(o.time), o.speed]);
  const fc = forecast ? forecast.horizons.map(h => [Date.parse(h.time), h.speed, h.lower, h.upper]) : [];
  if (forecast && forecast.observedSpeed !== null) fc.unshift([Date.parse(forecast.issuedAt), forecast.observedSpeed,
    forecast.observedSpeed, forecast.observedSpeed]);
  const times = obs.map(p => p[0]).concat(fc.map(p => p[0]));
  const speeds = obs.map(p => p[1]).concat(fc.flatMap(p => [p[2], p[3]])).filter(v => v !== null);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  container.replaceChildren(svg);
  if (times.length === 0) {
    el('text', { x: W / 2, y: H / 2, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = 'no data yet';
    return;
  }
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const s0 = Math.min(0, ...speeds), s1 = Math.max(...speeds, 1) * 1.1;
  const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = s => T + (1 - (s - s0) / (s1 - s0)) * (H - T - B);
  el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }, svg);
  el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }, svg);
  for (let i = 0; i <= 4; i++) {
    const s = s0 + (s1 - s0) * i / 4;
    el('text', { x: L - 6, y: y(s) + 4, class: 'tick', 'text-anchor': 'end' }, svg).textContent = s.toFixed(0);
    const t = t0 + (t1 - t0) * i / 4;
    el('text', { x: x(t), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, svg).textContent =
      new Date(t).toISOString().substring(11, 16);
  }
  if (fc.length > 0) {
    const upper = fc.map(p => `${x(p[0]).toFixed(1)},${y(p[3]).toFixed(1)}`);
    const lower = fc.slice().reverse().map(p => `${x(p[0]).toFixed(1)},${y(p[2]).toFixed(1)}`);
    el('polygon', { points: upper.concat(lower).join(' '), class: 'band' }, svg);
    el('polyline', { points: fc.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '), class: 'forecast' }, svg);
    const issued = Date.parse(forecast.issuedAt);
    el('line', { x1: x(issued), y1: T, x2: x(issued), y2: H - B, class: 'now' }, svg);
  }
  if (obs.length > 0) {
    el('polyline', { points: obs.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '), class: 'observed' }, svg);
  }
}

function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    try {
      await refreshNetwork();
      if (state.selected) await showChart(state.selected);
    } catch (e) { showMessage(e.message); }
  }, 1000);
}

// Server-sent events over fetch: a burst of forecasts (one per segment per step) triggers one refresh.
async function follow() {
  const status = document.getElementById('status');
  for (;;) {
    try {
      const response = await fetch('/api/stream',
        { headers: { Authorization: 'Bearer ' + KEY, Accept: 'text/event-stream' } });
      if (!response.ok) throw new Error('stream: ' + response.status);
      status.textContent = 'live';
      status.className = 'status live';
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.substring(0, cut);
          buffer = buffer.substring(cut + 2);
          if (event.split('\n').includes('event: forecast')) scheduleRefresh();
        }
      }
    } catch (e) { /* reconnect below */ }
    status.textContent = 'reconnecting';
    status.className = 'status offline';
    await new Promise(r => setTimeout(r, 3000));
  }
}

async function main() {
  if (!KEY) {
    showMessage('No API key: open this page as /?key=YOUR_KEY');
    return;
  }
  const slider = document.getElementById('horizon');
  slider.addEventListener('input', async () => {
    state.horizon = state.horizons[Number(slider.value)] || 0;
    document.getElementById('horizon-label').textContent = state.horizon === 0 ? 'now' : '+' + state.horizon + ' min';
    try {
      colour(await networkAt(state.horizon));
    } catch (e) { showMessage(e.message); }
  });
  try {
    drawNetwork(await api('/api/segments'));
    await refreshNetwork();
    document.body.dataset.ready = 'true';
  } catch (e) {
    showMessage(e.message);
    return;
  }
  follow();
}

main();
