// The playground page's only script: no framework. Every text goes in through textContent, never
// innerHTML, so nothing typed or generated can become markup.
const channel = document.body.dataset.channel;
const api = (path) => `/api/c/${encodeURIComponent(channel)}/${path}`;
const list = document.getElementById('messages');
const text = document.getElementById('text');
const chip = document.getElementById('thread-chip');
const threadName = document.getElementById('thread-name');
/** The top-level message the composer replies to, or null for the channel. */
let threadId = null;
/** The user's latest line and the bot's answer to it: kept in view as they arrive and stream. */
let keepInView = new Set();

async function call(method, url, body) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

function el(tag, cls, content) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (content !== undefined) node.textContent = content;
  return node;
}

/** Text with `inline code` as <code>, built from text nodes only (as Slack and Discord show it). */
function richText(cls, text) {
  const node = el('span', cls);
  text.split(/`([^`\n]+)`/).forEach((part, i) => node.append(i % 2 ? el('code', '', part) : part));
  return node;
}

/** 👍/👎 under an answer, as page.ts renders them; the note says what a click did. */
function feedback() {
  const node = el('div', 'feedback');
  for (const [vote, thumb, label] of [['up', '👍', 'This answer was useful'], ['down', '👎', 'This answer was not useful']]) {
    const button = el('button', 'vote', thumb);
    button.type = 'button';
    button.dataset.vote = vote;
    button.setAttribute('aria-label', label);
    button.setAttribute('aria-pressed', 'false');
    node.append(button);
  }
  const note = el('span', 'vote-note');
  note.setAttribute('role', 'status');
  node.append(' ', note);
  return node;
}

function render(m) {
  const node = el('div', m.isBot ? 'msg bot' : 'msg');
  node.dataset.id = m.id;
  if (m.requestId) node.dataset.request = m.requestId;
  if (m.state) node.dataset.state = m.state;
  node.append(el('span', 'author', m.author), ' ', richText('text', m.text));
  if (m.footer) node.append(el('div', 'footer', m.footer));
  if (m.private) node.append(el('div', 'footer private', 'Only visible to you'));
  if (m.votable && m.requestId) node.append(feedback());
  if (!m.threadId) node.append(el('button', 'reply-in-thread', 'Reply in thread'));
  return node;
}

/** Adds a message, or replaces the one with its id; a finished reply never goes back to streaming. */
function upsert(m) {
  // Where the view goes: to the user's latest line and its answer; while replying in a thread, to
  // what arrives in that thread and nowhere else; in the channel, to the bottom only when the
  // reader was already there.
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const inView = keepInView.has(m.id) || (threadId !== null && (m.threadId === threadId || m.id === threadId));
  const old = list.querySelector(`.msg[data-id="${CSS.escape(m.id)}"]`);
  let node;
  if (old) {
    const finished = old.dataset.state === 'done' || old.dataset.state === 'failed';
    if ((finished && m.state === 'streaming') || (finished && m.state === 'waiting') || (old.dataset.state === 'streaming' && m.state === 'waiting')) return;
    node = render(m);
    // The same answer again (a catch-up after a reconnect) keeps the vote the reader made on it.
    const votes = finished && old.querySelector('.feedback');
    if (votes) node.querySelector('.feedback')?.replaceWith(votes);
    old.replaceWith(node);
  } else if (m.threadId) {
    const top = list.querySelector(`.top[data-top="${CSS.escape(m.threadId)}"] .replies`);
    if (!top) return;
    node = render(m);
    top.append(node);
  } else {
    const top = el('div', 'top');
    top.dataset.top = m.id;
    node = render(m);
    top.append(node, el('div', 'replies'));
    list.append(top);
  }
  if (inView) node.scrollIntoView({ block: 'nearest' });
  else if (threadId === null && atBottom) list.scrollTop = list.scrollHeight;
}

/** The composer replies in this thread: the chip names it, the thread is marked and kept in view. */
function enterThread(id) {
  leaveThread();
  const top = list.querySelector(`.top[data-top="${CSS.escape(id)}"]`);
  if (!top) return;
  threadId = id;
  const first = top.querySelector('.msg');
  const words = first.querySelector('.text').textContent.trim();
  // The thread's first words, cut at a word, so the chip says which thread this is.
  const cut = words.slice(0, 48);
  const shown = words.length > 48 ? `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : 48)}…` : words;
  threadName.textContent = `${first.querySelector('.author').textContent}: ${shown}`;
  top.classList.add('active-thread');
  chip.hidden = false;
  top.scrollIntoView({ block: 'nearest' });
}

function leaveThread() {
  list.querySelector('.top.active-thread')?.classList.remove('active-thread');
  threadId = null;
  chip.hidden = true;
}

list.scrollTop = list.scrollHeight;

const events = new EventSource(api('events'));
events.addEventListener('message', (e) => upsert(JSON.parse(e.data)));
// On every (re)connect, catch up with what arrived while the stream was not open.
events.addEventListener('open', async () => {
  const { messages } = await call('GET', api('messages'));
  for (const m of messages) upsert(m);
  document.body.setAttribute('data-live', 'true');
});

list.addEventListener('click', async (e) => {
  const vote = e.target.closest('.vote');
  if (vote) {
    const box = vote.closest('.feedback');
    const note = box.querySelector('.vote-note');
    try {
      const { result, confirmation } = await call('POST', '/api/feedback', { requestId: vote.closest('.msg').dataset.request, vote: vote.dataset.vote });
      note.textContent = confirmation;
      if (result !== 'unknown-answer') for (const b of box.querySelectorAll('.vote')) b.setAttribute('aria-pressed', String(b === vote));
    } catch (err) {
      note.textContent = err.message;
    }
    return;
  }
  if (!e.target.classList.contains('reply-in-thread')) return;
  enterThread(e.target.closest('.msg').dataset.id);
  text.focus();
});
document.getElementById('leave-thread').addEventListener('click', leaveThread);
threadName.addEventListener('click', (e) => {
  e.preventDefault();
  if (threadId) list.querySelector(`.top[data-top="${CSS.escape(threadId)}"]`)?.scrollIntoView({ block: 'start' });
});

document.getElementById('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = text.value;
  if (!value.trim()) return;
  text.value = '';
  // One id per line sent: if the answer is lost and the page sends again, the bot knows it is the same line.
  const body = { text: value, clientId: crypto.randomUUID(), ...(threadId && { threadId }) };
  try {
    const sent = await call('POST', api('messages'), body).catch((err) => (err instanceof TypeError ? call('POST', api('messages'), body) : Promise.reject(err)));
    keepInView = new Set([sent.message.id, ...(sent.reply ? [sent.reply.id] : [])]);
    for (const id of keepInView) list.querySelector(`.msg[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
    // A typed /genconfig changes what the panel shows.
    if (/^\/genconfig\b/.test(value.trim())) showSettings(await call('GET', api('settings')), { fill: true });
  } catch (err) {
    alert(err.message);
  }
});

document.getElementById('load-sample').addEventListener('click', () => call('POST', api('sample')).catch((err) => alert(err.message)));

document.getElementById('new-channel').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const { channelId } = await call('POST', '/api/channels', { name: e.target.elements.name.value.trim() });
    location.href = `/c/${encodeURIComponent(channelId)}`;
  } catch (err) {
    alert(err.message);
  }
});

// Settings: only the controls the user touched are saved, so untouched ones keep inheriting.
const settings = document.getElementById('settings');
const touched = new Set();
settings.addEventListener('input', (e) => {
  touched.add(e.target.name);
  const out = settings.querySelector(`output[for="${e.target.id}"]`);
  if (out) out.textContent = e.target.value;
});
/** The panel after a save, or (`fill`) refilled from settings changed elsewhere: the fields the channel does not set show what the model would use. */
function showSettings(result, { fill = false } = {}) {
  if (fill) {
    for (const input of settings.querySelectorAll('input[type=number]')) {
      const value = result.effective[input.name];
      input.value = typeof value === 'number' ? String(value) : input.dataset.fallback;
      const out = settings.querySelector(`output[for="${input.id}"]`);
      if (out) out.textContent = input.value;
    }
    settings.querySelector(`input[name=doSample][value="${result.effective.doSample === true}"]`).checked = true;
  }
  document.getElementById('settings-summary').textContent = `Now: ${result.summary}`;
  const note = document.getElementById('settings-note');
  note.replaceChildren(richText('', result.note || ''));
  note.hidden = !result.note;
  touched.clear();
}
settings.addEventListener('submit', async (e) => {
  e.preventDefault();
  const changes = {};
  for (const name of touched) {
    const input = settings.elements[name];
    changes[name] = name === 'doSample' ? settings.querySelector('input[name=doSample]:checked').value === 'true' : Number(input.value);
  }
  try {
    showSettings(await call('PUT', api('settings'), { changes }));
  } catch (err) {
    alert(err.message);
  }
});
document.getElementById('reset-settings').addEventListener('click', async () => {
  try {
    showSettings(await call('PUT', api('settings'), { reset: true }));
  } catch (err) {
    alert(err.message);
  }
});
