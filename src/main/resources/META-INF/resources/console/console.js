// The dead letter operator console: plain DOM and fetch, no framework, no build step.
// Data only ever enters the page as text (textContent), never as markup.
'use strict';

const API = '/api/admin/dead-letters';
const PAGE_SIZE = 20;
const state = { groupsPage: 0, lettersPage: 0, letterFilter: null, bulk: null, pollTimer: null };

const $ = (id) => document.getElementById(id);

// In development an operator pastes a token (kept for this tab only); in production the platform's
// login in front of the service adds the credentials, and no token is pasted.
function token() {
  return sessionStorage.getItem('seatbooking.adminToken') || '';
}

async function api(path, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  if (token()) {
    headers.Authorization = 'Bearer ' + token();
  }
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: 'same-origin' }));
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const why = body && (body.detail || body.title) ? (body.detail || body.title) : response.statusText;
    throw new Error(response.status + ': ' + why);
  }
  return body;
}

function showError(error) {
  const el = $('error');
  el.textContent = error ? String(error.message || error) : '';
  el.hidden = !error;
}

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) {
    td.className = cls;
  }
  row.appendChild(td);
  return td;
}

function button(text, cls, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.className = cls;
  b.addEventListener('click', onClick);
  return b;
}

function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== null && v !== undefined && v !== '') {
      q.set(k, v);
    }
  });
  return q.toString();
}

function filterForm() {
  return {
    by: $('filter-by').value,
    status: $('filter-status').value,
    reason: $('filter-reason').value.trim(),
    messageType: $('filter-message-type').value.trim(),
    from: $('filter-from').value.trim(),
    to: $('filter-to').value.trim()
  };
}

async function loadGroups() {
  showError(null);
  const f = filterForm();
  try {
    const page = await api(API + '/groups?' + query(Object.assign({}, f, { page: state.groupsPage, size: PAGE_SIZE })));
    const tbody = $('groups').querySelector('tbody');
    tbody.replaceChildren();
    page.items.forEach((g) => {
      const tr = document.createElement('tr');
      tr.dataset.key = g.key;
      cell(tr, g.key, 'key');
      cell(tr, g.reason, 'reason');
      cell(tr, g.exceptionType);
      cell(tr, g.messageType, 'message-type');
      cell(tr, g.origin);
      cell(tr, g.parked, 'num parked');
      cell(tr, g.total, 'num total');
      cell(tr, g.firstSeen);
      cell(tr, g.lastSeen);
      const actions = cell(tr, '');
      const filter = groupFilter(page.by, g, f);
      actions.append(button('Letters', 'show-letters', () => showLetters(filter, g.key)));
      if (g.parked > 0) {
        actions.append(' ', button('Replay', 'replay', () => preview('REPLAY', filter, g.key)),
          ' ', button('Discard', 'discard', () => preview('DISCARD', filter, g.key)));
      }
      tbody.appendChild(tr);
    });
    $('groups-total').textContent = '(' + page.totalItems + ' by ' + page.by + ')';
    $('groups-page').textContent = 'page ' + (page.page + 1) + ' of ' + Math.max(1, Math.ceil(page.totalItems / page.size));
    $('groups-prev').disabled = page.page === 0;
    $('groups-next').disabled = (page.page + 1) * page.size >= page.totalItems;
  } catch (e) {
    showError(e);
  }
  loadJobs();
}

// The bulk filter of one row: its key, within the time range on screen.
function groupFilter(by, g, f) {
  const filter = { from: f.from || null, to: f.to || null };
  if (by === 'group') {
    filter.group = g.key;
  } else if (by === 'reason') {
    filter.reason = g.key;
  } else {
    filter.messageType = g.key;
  }
  if (f.reason && by !== 'reason') {
    filter.reason = f.reason;
  }
  if (f.messageType && by !== 'messageType') {
    filter.messageType = f.messageType;
  }
  return filter;
}

async function showLetters(filter, title) {
  state.letterFilter = filter;
  state.lettersPage = 0;
  $('letters-title').textContent = title;
  $('letters-section').hidden = false;
  await loadLetters();
}

async function loadLetters() {
  showError(null);
  const f = state.letterFilter;
  try {
    const page = await api(API + '?' + query(Object.assign({ status: $('filter-status').value }, f,
      { page: state.lettersPage, size: PAGE_SIZE })));
    const tbody = $('letters').querySelector('tbody');
    tbody.replaceChildren();
    page.items.forEach((l) => {
      const tr = document.createElement('tr');
      tr.dataset.id = l.id;
      cell(tr, l.parkedAt);
      cell(tr, l.status, 'status');
      cell(tr, l.reason);
      cell(tr, l.messageId);
      cell(tr, l.originalRoutingKey);
      cell(tr, l.payloadBytes, 'num');
      tr.addEventListener('click', () => showLetter(l.id));
      tbody.appendChild(tr);
    });
    $('letters-page').textContent = 'page ' + (page.page + 1) + ' of ' + Math.max(1, Math.ceil(page.totalItems / page.size))
      + ' (' + page.totalItems + ' letters)';
    $('letters-prev').disabled = page.page === 0;
    $('letters-next').disabled = (page.page + 1) * page.size >= page.totalItems;
  } catch (e) {
    showError(e);
  }
}

async function showLetter(id) {
  showError(null);
  try {
    const l = await api(API + '/' + encodeURIComponent(id));
    $('letter-id').textContent = l.id;
    const dl = $('letter-fields');
    dl.replaceChildren();
    ['status', 'group', 'reason', 'exceptionType', 'exceptionSummary', 'failureOrigin', 'attempts', 'messageId',
      'messageType', 'contentType', 'sourceQueue',
      'originalExchange', 'originalRoutingKey', 'parkedAt', 'resolvedAt', 'resolvedBy', 'resolvedByJob', 'replayEventId']
      .filter((k) => l[k] !== undefined && l[k] !== null)
      .forEach((k) => {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = String(l[k]);
        dl.append(dt, dd);
      });
    $('letter-headers').textContent = JSON.stringify(l.headers || {}, null, 2);
    $('letter-payload').textContent = l.payloadText !== undefined && l.payloadText !== null
      ? l.payloadText : '(binary, base64) ' + l.payloadBase64;
    $('letter-detail').hidden = false;
  } catch (e) {
    showError(e);
  }
}

async function preview(action, filter, title) {
  showError(null);
  stopPolling();
  try {
    const p = await api(API + '/bulk/preview', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(Object.assign({ action }, filter))
    });
    // One key per confirmation: a retried click after a lost answer starts no second job.
    state.bulk = { action, filter, key: crypto.randomUUID() };
    $('bulk-action').textContent = action.toLowerCase() + ' of ' + title;
    $('preview-text').textContent = p.matched + ' letters would be ' + (action === 'REPLAY' ? 'replayed' : 'discarded')
      + ' at ' + p.ratePerSecond + ' per second (about ' + p.estimatedSeconds + ' s).';
    $('confirm-bulk').disabled = p.matched === 0;
    $('job').hidden = true;
    $('bulk').hidden = false;
  } catch (e) {
    showError(e);
  }
}

async function confirmBulk() {
  showError(null);
  const b = state.bulk;
  $('confirm-bulk').disabled = true;
  try {
    const job = await api(API + '/bulk', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': b.key },
      body: JSON.stringify(Object.assign({ action: b.action }, b.filter))
    });
    showJob(job);
    pollJob(job.id);
  } catch (e) {
    $('confirm-bulk').disabled = false;
    showError(e);
  }
}

function showJob(job) {
  $('job').hidden = false;
  $('job').dataset.id = job.id;
  $('job-progress').max = Math.max(1, job.matched);
  $('job-progress').value = job.processed;
  $('job-status').textContent = job.status + ': ' + job.processed + ' of ' + job.matched
    + (job.secondsLeft !== undefined && job.secondsLeft !== null ? ', about ' + job.secondsLeft + ' s left' : '');
  $('job-status').dataset.status = job.status;
  $('cancel-job').hidden = job.status !== 'RUNNING';
}

function pollJob(id) {
  stopPolling();
  state.pollTimer = setTimeout(async () => {
    try {
      const job = await api(API + '/bulk/' + encodeURIComponent(id));
      showJob(job);
      if (job.status === 'RUNNING') {
        pollJob(id);
      } else {
        loadGroups();
        if (!$('letters-section').hidden) {
          loadLetters();
        }
      }
    } catch (e) {
      showError(e);
      pollJob(id);
    }
  }, 500);
}

function stopPolling() {
  if (state.pollTimer) {
    clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }
}

async function cancelJob() {
  try {
    showJob(await api(API + '/bulk/' + encodeURIComponent($('job').dataset.id) + '/cancel', { method: 'POST' }));
  } catch (e) {
    showError(e);
  }
}

async function loadJobs() {
  try {
    const page = await api(API + '/bulk?size=10');
    const tbody = $('jobs').querySelector('tbody');
    tbody.replaceChildren();
    page.items.forEach((j) => {
      const tr = document.createElement('tr');
      tr.dataset.id = j.id;
      cell(tr, j.requestedAt);
      cell(tr, j.requestedBy);
      cell(tr, j.action);
      cell(tr, Object.entries(j.filter).filter(([, v]) => v !== null).map(([k, v]) => k + '=' + v).join(' '));
      cell(tr, j.matched, 'num');
      cell(tr, j.processed, 'num');
      cell(tr, j.ratePerSecond, 'num');
      cell(tr, j.status, 'status');
      tbody.appendChild(tr);
    });
  } catch (e) {
    // The groups' error is shown already.
  }
}

function init() {
  $('token-state').textContent = token() ? 'token set' : 'no token';
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem('seatbooking.adminToken', $('token').value.trim());
    $('token').value = '';
    $('token-state').textContent = token() ? 'token set' : 'no token';
    loadGroups();
  });
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.groupsPage = 0;
    loadGroups();
  });
  $('groups-prev').addEventListener('click', () => { state.groupsPage--; loadGroups(); });
  $('groups-next').addEventListener('click', () => { state.groupsPage++; loadGroups(); });
  $('letters-prev').addEventListener('click', () => { state.lettersPage--; loadLetters(); });
  $('letters-next').addEventListener('click', () => { state.lettersPage++; loadLetters(); });
  $('confirm-bulk').addEventListener('click', confirmBulk);
  $('cancel-preview').addEventListener('click', () => { stopPolling(); $('bulk').hidden = true; });
  $('cancel-job').addEventListener('click', cancelJob);
  loadGroups();
}

init();
