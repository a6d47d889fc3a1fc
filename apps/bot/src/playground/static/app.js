// The playground page's only script: no framework. Every text goes in through textContent, never
// innerHTML, so nothing typed or generated can become markup.
const channel = document.body.dataset.channel;
const api = (path) => `/api/c/${encodeURIComponent(channel)}/${path}`;
const list = document.getElementById('messages');
const text = document.getElementById('text');
const chip = document.getElementById('thread-chip');
let threadId = null;

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

function render(m) {
  const node = el('div', m.isBot ? 'msg bot' : 'msg');
  node.dataset.id = m.id;
  if (m.requestId) node.dataset.request = m.requestId;
  if (m.state) node.dataset.state = m.state;
  node.append(el('span', 'author', m.author), ' ', el('span', 'text', m.text));
  if (m.footer) node.append(el('div', 'footer', m.footer));
  if (m.private) node.append(el('div', 'footer private', 'Only visible to you'));
  if (!m.threadId) node.append(el('button', 'reply-in-thread', 'Reply in thread'));
  return node;
}

/** Adds a message, or replaces the one with its id; a finished reply never goes back to streaming. */
function upsert(m) {
  const old = list.querySelector(`.msg[data-id="${CSS.escape(m.id)}"]`);
  if (old) {
    const finished = old.dataset.state === 'done' || old.dataset.state === 'failed';
    if ((finished && m.state === 'streaming') || (finished && m.state === 'waiting') || (old.dataset.state === 'streaming' && m.state === 'waiting')) return;
    old.replaceWith(render(m));
    list.scrollTop = list.scrollHeight;
    return;
  }
  if (m.threadId) {
    const top = list.querySelector(`.top[data-top="${CSS.escape(m.threadId)}"] .replies`);
    if (top) top.append(render(m));
  } else {
    const top = el('div', 'top');
    top.dataset.top = m.id;
    top.append(render(m), el('div', 'replies'));
    list.append(top);
  }
  list.scrollTop = list.scrollHeight;
}

const events = new EventSource(api('events'));
events.addEventListener('message', (e) => upsert(JSON.parse(e.data)));
// On every (re)connect, catch up with what arrived while the stream was not open.
events.addEventListener('open', async () => {
  const { messages } = await call('GET', api('messages'));
  for (const m of messages) upsert(m);
  document.body.setAttribute('data-live', 'true');
});

list.addEventListener('click', (e) => {
  if (!e.target.classList.contains('reply-in-thread')) return;
  threadId = e.target.closest('.msg').dataset.id;
  chip.hidden = false;
  text.focus();
});
document.getElementById('leave-thread').addEventListener('click', () => {
  threadId = null;
  chip.hidden = true;
});

document.getElementById('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = text.value;
  if (!value.trim()) return;
  text.value = '';
  // One id per line sent: if the answer is lost and the page sends again, the bot knows it is the same line.
  const body = { text: value, clientId: crypto.randomUUID(), ...(threadId && { threadId }) };
  try {
    await call('POST', api('messages'), body).catch((err) => (err instanceof TypeError ? call('POST', api('messages'), body) : Promise.reject(err)));
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
function showSettings(result) {
  document.getElementById('settings-summary').textContent = `Now: ${result.summary}`;
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
