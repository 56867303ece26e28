// The reachproof page: draws the coordinator's newest rounds (GET v1/view) and follows the live feed
// (GET v1/events, server-sent events format) without a reload. Every URL is relative, so the page works behind
// an ingress path prefix. The admin token lives in this tab's sessionStorage and travels only as a bearer
// header; a link may hand it over in the fragment (#token=...), which never reaches a server or a log.
'use strict';

(function () {
  const TOKEN_KEY = 'reachproof.adminToken';
  const MAX_PORT_LINES = 3;
  const state = {
    page: null,          // PageState of GET v1/view
    set: null,           // the expectation set shown
    pair: null,          // {from, to} cluster pair shown in the matrix, null: all pairs together
    pairCells: null,     // group cells of that pair (GET v1/view/matrix)
    cell: null,          // {from, to} group cell whose detail is shown
    eventId: null,
    feeding: false,
    updates: 0,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
        else e.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  // --- the token -------------------------------------------------------------------------------------------

  function tokenFromFragment() {
    const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  class Unauthorized extends Error {}

  async function api(path, extra) {
    const response = await fetch(path, {headers: headers(extra), cache: 'no-store'});
    if (response.status === 401) throw new Unauthorized(await errorText(response));
    if (!response.ok) throw new Error(path + ': ' + response.status + ' ' + await errorText(response));
    return response;
  }

  async function errorText(response) {
    try {
      return (await response.json()).error || response.statusText;
    } catch (e) {
      return response.statusText;
    }
  }

  function askForToken(reason) {
    $('login').hidden = false;
    $('login-reason').textContent = sessionStorage.getItem(TOKEN_KEY)
      ? 'The token was refused (' + reason + '). Enter the admin token.'
      : 'This coordinator requires its admin token.';
    for (const id of ['round', 'map', 'matrix', 'detail', 'timeline']) $(id).hidden = true;
    setLive('admin token required', 'off');
    $('token').focus();
  }

  // --- loading and the live feed ---------------------------------------------------------------------------

  async function load() {
    try {
      const page = await (await api('v1/view')).json();
      $('login').hidden = true;
      for (const id of ['round', 'map', 'matrix', 'detail', 'timeline']) $(id).hidden = false;
      state.page = page;
      state.eventId = page.eventId;
      if (!state.set || !page.views.some((v) => v.expectation === state.set)) {
        state.set = page.views.length ? page.views[0].expectation : null;
      }
      await render();
      performance.mark('reachproof-drawn');
      setLive('live', 'on');
      feed();
    } catch (e) {
      if (e instanceof Unauthorized) askForToken(e.message);
      else setLive('cannot load: ' + e.message, 'off');
    }
  }

  /** Asks the feed again and again; each answer holds the rounds closed since the last event id seen. */
  async function feed() {
    if (state.feeding) return;
    state.feeding = true;
    let retry = 500;
    while (state.feeding) {
      try {
        const extra = state.eventId ? {'Last-Event-ID': state.eventId} : {};
        const text = await (await api('v1/events', extra)).text();
        for (const ev of parseEvents(text)) {
          if (ev.retry) retry = ev.retry;
          if (ev.id) state.eventId = ev.id;
          if (ev.event === 'round' && ev.data) await roundClosed(JSON.parse(ev.data));
        }
        setLive('live', 'on');
      } catch (e) {
        if (e instanceof Unauthorized) {
          state.feeding = false;
          askForToken(e.message);
          return;
        }
        setLive('reconnecting… (' + e.message + ')', 'off');
        await pause(Math.max(retry, 2000));
      }
    }
  }

  function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The text/event-stream format: blocks separated by a blank line; id, event, data, retry fields; ':' comments. */
  function parseEvents(text) {
    const events = [];
    for (const block of text.split(/\r?\n\r?\n/)) {
      const ev = {data: null};
      for (const line of block.split(/\r?\n/)) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.substring(0, colon);
        const value = colon < 0 ? '' : line.substring(colon + 1).replace(/^ /, '');
        if (field === 'data') ev.data = ev.data === null ? value : ev.data + '\n' + value;
        else if (field === 'retry') ev.retry = parseInt(value, 10);
        else ev[field] = value;
      }
      if (Object.keys(ev).length > 1 || ev.data !== null) events.push(ev);
    }
    return events;
  }

  async function roundClosed(view) {
    const views = state.page.views.filter((v) => v.expectation !== view.expectation);
    views.push(view);
    const order = state.page.views.map((v) => v.expectation).concat(state.page.pending);
    views.sort((a, b) => order.indexOf(a.expectation) - order.indexOf(b.expectation));
    state.page.views = views;
    state.page.pending = state.page.pending.filter((p) => p !== view.expectation);
    if (!state.set) state.set = view.expectation;
    state.updates++;
    const started = performance.now();
    await render();
    performance.measure('reachproof-update-' + state.updates, {start: started});
    document.body.dataset.updates = String(state.updates);
  }

  function setLive(text, mode) {
    const live = $('live');
    live.textContent = text + (mode === 'on' ? ' · updated ' + new Date().toLocaleTimeString() : '');
    live.className = mode;
  }

  // --- drawing ---------------------------------------------------------------------------------------------

  function view() {
    return state.page.views.find((v) => v.expectation === state.set) || null;
  }

  async function render() {
    renderSets();
    const v = view();
    if (!v) {
      $('round').replaceChildren(el('p', {text: 'No round has closed yet'
        + (state.page.pending.length ? ' (waiting for ' + state.page.pending.join(', ') + ')' : '') + '.'}));
      for (const id of ['clusters', 'tiles', 'grid-wrap', 'timeline-body']) $(id).replaceChildren();
      return;
    }
    renderRound(v);
    renderMap(v);
    if (state.pair) {
      const pairKnown = v.tiles.some((t) => t.from === state.pair.from && t.to === state.pair.to);
      if (!pairKnown) state.pair = null;
    }
    state.pairCells = state.pair ? await pairMatrix(v, state.pair) : null;
    renderMatrix(v);
    renderTimeline(v);
    if (state.cell) await showDetail(state.cell.from, state.cell.to, false);
  }

  async function pairMatrix(v, pair) {
    const q = new URLSearchParams({expectation: v.expectation, round: v.roundId, fromCluster: pair.from, toCluster: pair.to});
    return (await api('v1/view/matrix?' + q)).json();
  }

  function renderSets() {
    const names = state.page.views.map((v) => v.expectation).concat(state.page.pending);
    const nav = $('sets');
    nav.replaceChildren(...names.map((name) => el('button', {
      type: 'button', 'aria-pressed': String(name === state.set), text: name,
      onclick: () => { state.set = name; state.pair = null; state.cell = null; render(); },
    })));
  }

  function pct(x) {
    return Math.floor(x * 1000) / 10 + '%';
  }

  function traceLink(traceId) {
    if (!traceId) return el('span', {text: 'no trace (tracing off)'});
    if (state.page.traceUi) {
      return el('a', {href: state.page.traceUi + traceId, target: '_blank', rel: 'noopener noreferrer', text: traceId});
    }
    return el('code', {text: traceId});
  }

  function renderRound(v) {
    const mismatches = v.holes + v.blocked;
    $('round').replaceChildren(
      el('h2', {text: v.expectation + ' — round ' + v.roundId}),
      el('dl', {class: 'facts'},
        el('dt', {text: 'finished'}), el('dd', {text: new Date(v.finishedAtEpochMillis).toLocaleString()
          + (v.complete ? '' : ' (incomplete)')}),
        el('dt', {text: 'coverage'}), el('dd', {text: pct(v.coverage) + ' of ' + v.cells + ' cells'}),
        el('dt', {text: 'mismatches'}), el('dd', {id: 'mismatch-count', class: mismatches ? 'bad' : 'good',
          text: mismatches ? '✖ ' + v.holes + ' HOLE, ⊘ ' + v.blocked + ' BLOCKED' : '✓ none'}),
        el('dt', {text: 'inconclusive'}), el('dd', {text: String(v.inconclusive)}),
        el('dt', {text: 'suspect change'}), el('dd', {text: v.suspectChange || 'none'}),
        el('dt', {text: 'trace'}), el('dd', null, traceLink(v.traceId))));
  }

  const STATE_MARK = {mismatch: '✖', inconclusive: '?', proven: '✓', empty: '–'};

  function renderMap(v) {
    const clouds = new Map();
    for (const c of v.clusters) {
      if (!clouds.has(c.cloud)) clouds.set(c.cloud, []);
      clouds.get(c.cloud).push(c);
    }
    $('clusters').replaceChildren(...[...clouds.entries()].map(([cloud, cs]) => el('div', {class: 'cloud'},
      el('h3', {text: cloud}),
      el('ul', null, ...cs.map((c) => el('li', {text: c.name + (c.region ? ' (' + c.region + ')' : '')}))))));

    const names = [...clouds.values()].flat().map((c) => c.name);
    const byPair = new Map(v.tiles.map((t) => [t.from + '\n' + t.to, t]));
    const table = el('table', {class: 'tiles'});
    table.append(el('caption', {text: 'source cluster (rows) → destination cluster (columns); choose a pair to see its groups'}));
    table.append(el('tr', null, el('th', {scope: 'col', text: 'from \\ to'}),
      ...names.map((n) => el('th', {scope: 'col', text: n}))));
    for (const from of names) {
      const row = el('tr', null, el('th', {scope: 'row', text: from}));
      for (const to of names) {
        const t = byPair.get(from + '\n' + to);
        if (!t) {
          row.append(el('td', {class: 'tile empty', text: '– no cells'}));
          continue;
        }
        const selected = state.pair && state.pair.from === from && state.pair.to === to;
        const proven = t.allow + t.deny - t.holes - t.blocked;
        const counts = (proven ? '✓' + proven : '') + (t.holes ? ' ✖' + t.holes + ' HOLE' : '')
          + (t.blocked ? ' ⊘' + t.blocked + ' BLOCKED' : '') + (t.inconclusive ? ' ?' + t.inconclusive : '');
        row.append(el('td', {class: 'tile ' + t.state},
          el('button', {type: 'button', class: 'tile-button', 'aria-pressed': String(!!selected),
            'data-pair': from + '>' + to, title: t.state,
            onclick: () => selectPair(selected ? null : {from, to})},
          STATE_MARK[t.state] + ' ' + t.state + '\n' + counts)));
      }
      table.append(row);
    }
    const all = el('button', {type: 'button', 'aria-pressed': String(!state.pair), id: 'all-pairs',
      onclick: () => selectPair(null), text: 'All cluster pairs together'});
    $('tiles').replaceChildren(table, all);
  }

  async function selectPair(pair) {
    state.pair = pair;
    state.cell = null;
    $('detail-body').replaceChildren(el('p', {text: 'Choose a cell of the matrix.'}));
    try {
      await render();
    } catch (e) {
      if (e instanceof Unauthorized) askForToken(e.message);
      else setLive('cannot load: ' + e.message, 'off');
    }
  }

  function expectedText(p) {
    if (p.expectedDeny === 0) return 'allow';
    if (p.expectedAllow === 0) return 'deny';
    return 'allow ' + p.expectedAllow + '/deny ' + p.expectedDeny;
  }

  function observedText(p) {
    const parts = [];
    if (p.allow) parts.push('allow' + (p.allow + p.deny + p.inconclusive > 1 ? ' ' + p.allow : ''));
    if (p.deny) parts.push('deny' + (p.allow + p.deny + p.inconclusive > 1 ? ' ' + p.deny : ''));
    if (p.inconclusive) parts.push('? ' + p.inconclusive);
    return parts.join(', ');
  }

  function portLine(p) {
    const mark = p.holes ? '✖ HOLE ×' + p.holes : p.blocked ? '⊘ BLOCKED ×' + p.blocked
      : p.allow + p.deny === 0 ? '?' : p.inconclusive ? '✓ ?' : '✓';
    return p.port + '/' + p.protocol + ' ' + expectedText(p) + '→' + observedText(p) + ' ' + mark;
  }

  function cellClass(ports) {
    if (ports.some((p) => p.holes)) return 'hole';
    if (ports.some((p) => p.blocked)) return 'blocked';
    if (ports.every((p) => p.allow + p.deny === 0)) return 'inconclusive';
    return ports.some((p) => p.inconclusive) ? 'partial' : 'ok';
  }

  /** One grid: rows are source groups, columns destination groups; one focusable cell at a time (roving tabindex). */
  function renderMatrix(v) {
    const cells = state.pairCells || v.matrix;
    $('matrix-title').textContent = 'Group matrix — ' + (state.pair ? state.pair.from + ' → ' + state.pair.to : 'all cluster pairs');
    const rows = [];
    const cols = [];
    for (const c of v.matrix) {
      if (!rows.includes(c.from)) rows.push(c.from);
      if (!cols.includes(c.to)) cols.push(c.to);
    }
    const byPair = new Map(cells.map((c) => [c.from + '\n' + c.to, c]));
    const table = el('table', {class: 'grid', role: 'grid', id: 'grid', 'aria-labelledby': 'matrix-title',
      'aria-rowcount': String(rows.length + 1), 'aria-colcount': String(cols.length + 1)});
    const head = el('tr', {role: 'row'}, el('th', {role: 'columnheader', scope: 'col', text: 'from \\ to'}));
    for (const to of cols) head.append(el('th', {role: 'columnheader', scope: 'col', text: to}));
    const fragment = document.createDocumentFragment();
    fragment.append(head);
    let first = true;
    rows.forEach((from, r) => {
      const tr = el('tr', {role: 'row'}, el('th', {role: 'rowheader', scope: 'row', text: from}));
      cols.forEach((to, c) => {
        const cell = byPair.get(from + '\n' + to);
        const selected = state.cell && state.cell.from === from && state.cell.to === to;
        let text;
        let cls;
        if (!cell) {
          text = '·';
          cls = 'none';
        } else {
          const lines = cell.ports.slice(0, MAX_PORT_LINES).map(portLine);
          if (cell.ports.length > MAX_PORT_LINES) {
            const rest = cell.ports.slice(MAX_PORT_LINES);
            const holes = rest.reduce((n, p) => n + p.holes, 0);
            const blocked = rest.reduce((n, p) => n + p.blocked, 0);
            lines.push('+' + rest.length + ' ports' + (holes ? ' ✖ HOLE ×' + holes : '') + (blocked ? ' ⊘ BLOCKED ×' + blocked : ''));
          }
          text = lines.join('\n');
          cls = cellClass(cell.ports);
        }
        const td = el('td', {role: 'gridcell', class: 'cell ' + cls, tabindex: (selected || (first && !state.cell)) ? '0' : '-1',
          'data-from': from, 'data-to': to, 'data-row': String(r), 'data-col': String(c),
          'aria-selected': String(!!selected), 'aria-label': from + ' to ' + to + ': ' + (cell ? text.replace(/\n/g, '; ') : 'no cells')});
        td.textContent = text;
        first = false;
        tr.append(td);
      });
      fragment.append(tr);
    });
    table.append(fragment);
    if (!table.querySelector('td[tabindex="0"]') && table.querySelector('td')) table.querySelector('td').tabIndex = 0;
    table.addEventListener('keydown', gridKeys);
    table.addEventListener('click', (e) => {
      const td = e.target.closest('td[role=gridcell]');
      if (td) openCell(td);
    });
    const hadFocus = document.activeElement && document.activeElement.closest && document.activeElement.closest('#grid');
    const focused = hadFocus ? [document.activeElement.dataset.row, document.activeElement.dataset.col] : null;
    $('grid-wrap').replaceChildren(table);
    if (focused) {
      const again = table.querySelector('td[data-row="' + focused[0] + '"][data-col="' + focused[1] + '"]');
      if (again) moveTo(again);
    }
  }

  function moveTo(td) {
    const grid = $('grid');
    const current = grid.querySelector('td[tabindex="0"]');
    if (current) current.tabIndex = -1;
    td.tabIndex = 0;
    td.focus();
  }

  function gridKeys(e) {
    const td = e.target.closest('td[role=gridcell]');
    if (!td) return;
    const r = parseInt(td.dataset.row, 10);
    const c = parseInt(td.dataset.col, 10);
    const grid = $('grid');
    const at = (row, col) => grid.querySelector('td[data-row="' + row + '"][data-col="' + col + '"]');
    const lastCol = parseInt(grid.getAttribute('aria-colcount'), 10) - 2;
    const lastRow = parseInt(grid.getAttribute('aria-rowcount'), 10) - 2;
    let next = null;
    switch (e.key) {
      case 'ArrowRight': next = at(r, c + 1) || at(r + 1, 0); break;
      case 'ArrowLeft': next = at(r, c - 1) || at(r - 1, lastCol); break;
      case 'ArrowDown': next = at(r + 1, c); break;
      case 'ArrowUp': next = at(r - 1, c); break;
      case 'Home': next = e.ctrlKey ? at(0, 0) : at(r, 0); break;
      case 'End': next = e.ctrlKey ? at(lastRow, lastCol) : at(r, lastCol); break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        openCell(td);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) moveTo(next);
  }

  async function openCell(td) {
    moveTo(td);
    for (const s of $('grid').querySelectorAll('td[aria-selected="true"]')) s.setAttribute('aria-selected', 'false');
    td.setAttribute('aria-selected', 'true');
    try {
      await showDetail(td.dataset.from, td.dataset.to, true);
    } catch (e) {
      if (e instanceof Unauthorized) askForToken(e.message);
      else $('detail-body').replaceChildren(el('p', {text: 'cannot load the detail: ' + e.message}));
    }
  }

  function endpoint(end) {
    if (end.agentId) return end.namespace + '/' + end.pod + ' (' + end.cluster + ')';
    if (end.address) return end.address;
    return '(no agent' + (end.cluster ? ' in ' + end.cluster : '') + ')';
  }

  function kindOf(c) {
    if (c.expected === 'deny' && c.observed === 'allow') return 'HOLE';
    if (c.expected === 'allow' && c.observed === 'deny') return 'BLOCKED';
    return null;
  }

  // the rollback-signal episodes this cell is part of: the key a receiver logged, since when, resolved or not
  function episodes(list) {
    if (!list || !list.length) return el('p', {id: 'episodes', text: 'No signal episode names this cell.'});
    const ul = el('ul', {id: 'episodes', class: 'episodes', 'aria-label': 'signal episodes'});
    for (const e of list) {
      const since = new Date(e.openedAtEpochMillis).toLocaleString();
      const last = new Date(e.atEpochMillis).toLocaleString();
      ul.append(el('li', {class: 'episode ' + e.state},
        el('strong', {text: (e.state === 'resolved' ? '✓ resolved' : '⚑ ' + e.state) + ' signal episode '}),
        el('code', {text: e.episode}),
        el('span', {text: ' · key '}), el('code', {class: 'key', text: e.idempotencyKey}),
        el('span', {text: ' · opened ' + since + (e.state === 'resolved' ? ' · resolved ' : ' · last signal ') + last
          + ' · ' + e.mismatches + ' mismatch' + (e.mismatches === 1 ? '' : 'es') + ' in the set'
          + (e.suspectChange ? ' · suspect ' + e.suspectChange : '')}),
        el('ul', null, ...e.cells.map((c) => el('li', {text: c})))));
    }
    return ul;
  }

  async function showDetail(from, to, announce) {
    const v = view();
    state.cell = {from, to};
    const q = new URLSearchParams({expectation: v.expectation, round: v.roundId, from, to});
    if (state.pair) {
      q.set('fromCluster', state.pair.from);
      q.set('toCluster', state.pair.to);
    }
    const d = await (await api('v1/view/cell?' + q)).json();
    const body = [];
    body.push(el('h3', {id: 'detail-cell', text: from + ' → ' + to + (state.pair ? ' (' + state.pair.from + ' → ' + state.pair.to + ')' : ' (all cluster pairs)')}));
    body.push(el('dl', {class: 'facts'},
      el('dt', {text: 'round'}), el('dd', {text: d.roundId}),
      el('dt', {text: 'suspect change'}), el('dd', {text: d.suspectChange || 'none'}),
      el('dt', {text: 'trace'}), el('dd', null, traceLink(d.traceId))));
    body.push(episodes(d.episodes));
    if (!d.pairs.length) {
      body.push(el('p', {text: 'No probed pair in this cell.'}));
    } else {
      const table = el('table', {class: 'pairs', id: 'pairs'},
        el('caption', {text: d.total > d.pairs.length ? d.pairs.length + ' of ' + d.total + ' probed pairs, mismatches first'
          : d.total + ' probed pair' + (d.total === 1 ? '' : 's') + ', mismatches first'}),
        el('tr', null, ...['', 'from', 'to', 'port', 'expected', 'observed', 'outcome', 'latency', 'attempts', 'rule / policy']
          .map((h) => el('th', {scope: 'col', text: h}))));
      for (const c of d.pairs) {
        const kind = kindOf(c);
        table.append(el('tr', {class: kind ? kind.toLowerCase() : c.observed === 'inconclusive' ? 'inconclusive' : 'ok'},
          el('td', {text: kind === 'HOLE' ? '✖ HOLE' : kind === 'BLOCKED' ? '⊘ BLOCKED' : c.observed === 'inconclusive' ? '?' : '✓'}),
          el('td', {text: endpoint(c.from)}),
          el('td', {text: endpoint(c.to)}),
          el('td', {text: c.port + '/' + c.protocol}),
          el('td', {text: c.expected}),
          el('td', {text: c.observed + (c.reason ? ' (' + c.reason + ')' : '')}),
          el('td', {text: c.outcome || '—'}),
          el('td', {text: c.outcome ? (c.latencyMicros / 1000).toFixed(2) + ' ms' : '—'}),
          el('td', {text: String(c.attempts)}),
          el('td', {class: 'rule'},
            el('span', {text: c.decidedBy ? c.decidedBy + (c.rule ? ' · rule ' + c.rule : '') : (c.rule || '—')}),
            c.explain ? el('div', {class: 'explain', text: 'why: ' + c.explain}) : null)));
      }
      body.push(table);
    }
    $('detail-body').replaceChildren(...body);
    if (announce) $('detail').scrollIntoView({block: 'nearest'});
  }

  function renderTimeline(v) {
    const points = v.timeline;
    const list = el('ol', {class: 'bars', 'aria-label': 'coverage and mismatches per round, oldest first'});
    for (const p of points) {
      const mismatches = p.holes + p.blocked;
      const label = p.roundId + ': coverage ' + pct(p.coverage) + ', ' + mismatches + ' mismatches'
        + (p.timeToEnforceMillis !== null && p.timeToEnforceMillis !== undefined ? ', policy change enforced after '
          + (p.timeToEnforceMillis / 1000).toFixed(1) + ' s' : '');
      const bar = el('span', {class: 'bar'});
      bar.style.height = Math.max(2, Math.round(p.coverage * 60)) + 'px'; // CSSOM: allowed by the page's CSP
      list.append(el('li', {class: mismatches ? 'bad' : 'good', title: label, 'aria-label': label},
        bar, el('span', {class: 'count', text: mismatches ? '✖' + mismatches : '✓'})));
    }
    const last = points[points.length - 1];
    const enforced = points.filter((p) => p.timeToEnforceMillis !== null && p.timeToEnforceMillis !== undefined);
    $('timeline-body').replaceChildren(list, el('p', {text: points.length + ' retained rounds; newest: coverage '
      + pct(last.coverage) + ', ' + (last.holes + last.blocked) + ' mismatches'
      + (enforced.length ? '; last time to enforce: ' + (enforced[enforced.length - 1].timeToEnforceMillis / 1000).toFixed(1) + ' s' : '')}));
  }

  // --- start -----------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    tokenFromFragment();
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value);
      $('token').value = '';
      load();
    });
    load();
  });
})();
