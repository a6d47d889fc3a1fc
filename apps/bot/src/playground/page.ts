import { SETTING_HELP, SETTING_RANGES } from '@parley/settings';
import { PLAYGROUND_USAGE } from './commands.js';
import type { PlaygroundMessage } from './store.js';

/** Text for HTML content and attribute values: nothing typed or generated can become markup. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Escaped text with `inline code` shown as code, as Slack and Discord show it: replies and help
 * write commands that way. The text is escaped first, so a backtick cannot open any other markup.
 */
export function textHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

type PanelKey = 'temperature' | 'topK' | 'topP' | 'maxNewTokens' | 'shots';

/** What the panel starts a number field with when nothing is set: the value the model would use. */
const PANEL_FALLBACK: Readonly<Record<PanelKey, number>> = { temperature: 1, topK: 50, topP: 1, maxNewTokens: 128, shots: 0 };

/**
 * The settings panel's controls: key, label, bounds and the one line that says what it does. The
 * bounds are the settings contract's; a minimum the contract excludes ("above 0") is left to the
 * server's check, which answers with the contract's own words.
 */
export const SETTING_CONTROLS = (Object.keys(PANEL_FALLBACK) as PanelKey[]).map((key) => {
  const range = SETTING_RANGES[key];
  const inclusiveMin = range.kind === 'int' || !range.minExclusive;
  return { key, ...(inclusiveMin && { min: range.min }), max: range.max, step: range.kind === 'int' ? '1' : 'any', fallback: PANEL_FALLBACK[key], ...SETTING_HELP[key] };
});

/** What a private answer says under it, as Slack and Discord say it. */
export const ONLY_YOU = 'Only visible to you';

/** The 👍/👎 buttons' accessible names; app.js builds the same buttons for answers that arrive later. */
export const VOTE_LABELS = { up: 'This answer was useful', down: 'This answer was not useful' } as const;

/** 👍/👎 under an answer; the note next to them says what a click did. */
function feedbackHtml(): string {
  const button = (vote: 'up' | 'down', thumb: string) => `<button type="button" class="vote" data-vote="${vote}" aria-label="${VOTE_LABELS[vote]}" aria-pressed="false">${thumb}</button>`;
  return `<div class="feedback">${button('up', '👍')}${button('down', '👎')} <span class="vote-note" role="status"></span></div>`;
}

function messageHtml(m: PlaygroundMessage): string {
  const attrs = `data-id="${escapeHtml(m.id)}"${m.requestId ? ` data-request="${escapeHtml(m.requestId)}"` : ''}${m.state ? ` data-state="${escapeHtml(m.state)}"` : ''}`;
  const footer = m.footer ? `<div class="footer">${escapeHtml(m.footer)}</div>` : '';
  const only = m.private ? `<div class="footer private">${ONLY_YOU}</div>` : '';
  const threadButton = m.threadId ? '' : '<button type="button" class="reply-in-thread">Reply in thread</button>';
  const feedback = m.votable && m.requestId ? feedbackHtml() : '';
  return (
    `<div class="msg${m.isBot ? ' bot' : ''}" ${attrs}><span class="author">${escapeHtml(m.author)}</span> ` +
    `<span class="text">${textHtml(m.text)}</span>${footer}${only}${feedback}${threadButton}</div>`
  );
}

/** Top-level messages in order, each followed by its thread's replies. */
export function renderMessages(messages: readonly PlaygroundMessage[]): string {
  const replies = new Map<string, PlaygroundMessage[]>();
  for (const m of messages) if (m.threadId) replies.set(m.threadId, [...(replies.get(m.threadId) ?? []), m]);
  return messages
    .filter((m) => !m.threadId)
    .map((m) => `<div class="top" data-top="${escapeHtml(m.id)}">${messageHtml(m)}<div class="replies">${(replies.get(m.id) ?? []).map(messageHtml).join('')}</div></div>`)
    .join('');
}

export interface PageModel {
  channelId: string;
  channels: readonly string[];
  messages: readonly PlaygroundMessage[];
  effective: Record<string, unknown>;
  summary: string;
  randomTestModel: boolean;
}

function control(c: (typeof SETTING_CONTROLS)[number], effective: Record<string, unknown>): string {
  const value = typeof effective[c.key] === 'number' ? (effective[c.key] as number) : c.fallback;
  return (
    `<label class="setting"><span>${c.label} <output for="s-${c.key}">${value}</output></span>` +
    `<input type="number" id="s-${c.key}" name="${c.key}" data-fallback="${c.fallback}"${c.min === undefined ? '' : ` min="${c.min}"`} max="${c.max}" step="${c.step}" value="${value}">` +
    `<small>${escapeHtml(c.hint)}</small></label>`
  );
}

/** The whole page, rendered on the server; app.js then keeps it live over server-sent events. */
export function renderPage(model: PageModel): string {
  const sampling = model.effective['doSample'] === true;
  const banner = model.randomTestModel
    ? '<p class="banner" id="test-model">The worker runs the tiny <strong>random test model</strong>: replies are random words, not real summaries. For real answers, stop Parley and run <code>npm run models -- pull flan-t5-small</code> (no access to the Hugging Face hub? copy an export in and run <code>npm run models -- import &lt;folder or .tar&gt;</code>), then <code>npm start</code> again.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley playground · #${escapeHtml(model.channelId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:grid;grid-template-columns:180px 1fr 300px;height:100vh;color:#1d1c1d}
nav,aside{padding:12px;background:#f4f2f4;overflow:auto}main{display:flex;flex-direction:column;overflow:hidden}
nav a{display:block;padding:2px 4px;color:inherit;text-decoration:none}nav a.current{background:#1164a3;color:#fff;border-radius:4px}
#messages{flex:1;overflow:auto;padding:12px}.top{border-bottom:1px solid #eee;padding:4px 0}.replies{margin-left:24px;border-left:2px solid #ddd;padding-left:8px}
.msg{padding:2px 0;white-space:pre-wrap}.author{font-weight:600}.bot .author{color:#1164a3}.footer{font-size:12px;color:#616061}
.msg[data-state=waiting] .text,.msg[data-state=streaming] .text{color:#616061}.reply-in-thread{font-size:11px;margin-left:8px}
form#composer{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}#text{flex:1;padding:6px}#thread-chip{padding:4px 8px;font-size:12px}
code{font:12px ui-monospace,monospace;background:#f0eef0;border:1px solid #e2dfe2;border-radius:3px;padding:0 3px}
.top.active-thread{background:#eef5fb;outline:2px solid #1164a3;outline-offset:-2px}#thread-chip{background:#eef5fb;border-radius:4px}
.banner{background:#fff3cd;margin:0;padding:6px 12px}.setting{display:block;margin:10px 0}.setting input{width:100%}.setting small{display:block;color:#616061}
.feedback{font-size:12px;color:#616061}.vote{font-size:12px;padding:0 4px;margin-right:4px}.vote[aria-pressed=true]{background:#1164a3;border-color:#1164a3}
header{padding:8px 12px;border-bottom:1px solid #ddd;display:flex;gap:8px;align-items:center}h1{font-size:16px;margin:0;flex:1}
</style></head>
<body data-channel="${escapeHtml(model.channelId)}">
<nav><strong>Parley playground</strong><p>Channels</p>
${model.channels.map((c) => `<a href="/c/${encodeURIComponent(c)}"${c === model.channelId ? ' class="current"' : ''}>#${escapeHtml(c)}</a>`).join('\n')}
<form id="new-channel"><input name="name" placeholder="new-channel" size="12" pattern="[a-z0-9][a-z0-9-]{0,39}"><button>Add</button></form>
</nav>
<main>
${banner}
<header><h1>#${escapeHtml(model.channelId)}</h1><button type="button" id="load-sample">Load sample thread</button></header>
<div id="messages">${renderMessages(model.messages)}</div>
<form id="composer"><span id="thread-chip" hidden>in thread: <a href="#" id="thread-name"></a> <button type="button" id="leave-thread" title="Back to the channel">×</button></span>
<input id="text" name="text" autocomplete="off" placeholder="Message #${escapeHtml(model.channelId)}, /summarize, /ask …, @Parley summarize" maxlength="4000">
<button id="send">Send</button></form>
<p class="footer" style="padding:0 8px">${textHtml(PLAYGROUND_USAGE)}</p>
</main>
<aside><h2 style="font-size:15px">Settings for #${escapeHtml(model.channelId)}</h2>
<form id="settings">
<fieldset><legend>${SETTING_HELP.doSample.label}</legend>
<label><input type="radio" name="doSample" value="false"${sampling ? '' : ' checked'}> Greedy</label>
<label><input type="radio" name="doSample" value="true"${sampling ? ' checked' : ''}> Sampling</label>
<small style="display:block;color:#616061">${escapeHtml(SETTING_HELP.doSample.hint)}</small></fieldset>
${SETTING_CONTROLS.map((c) => control(c, model.effective)).join('\n')}
<button id="save-settings">Save</button> <button type="button" id="reset-settings">Reset</button>
<p id="settings-summary" class="footer">Now: ${escapeHtml(model.summary)}</p>
<p id="settings-note" class="footer" hidden></p>
</form></aside>
<script src="/static/app.js" defer></script>
</body></html>`;
}
