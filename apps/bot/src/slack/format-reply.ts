import type { ReplyOutcome } from '@parley/jobs';

/**
 * Slack parses `<…>` as links and mentions (`<!channel>`, `<@U…>`), so model text is escaped:
 * nothing the model writes can ping anyone.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The reply's text: the summary, then a footer naming the task, model and settings used. */
export function formatReply(outcome: ReplyOutcome, requestId: string): string {
  if (!outcome.ok) return `:warning: ${outcome.userMessage} (ref \`${requestId}\`)`;
  const model = outcome.model.isRandomTestModel ? `${outcome.model.name} (random test model, output is noise)` : outcome.model.name;
  const footer = [
    outcome.task,
    outcome.messagesCovered < outcome.messagesInThread
      ? `last ${outcome.messagesCovered} of ${outcome.messagesInThread} messages (the rest did not fit the model)`
      : `${outcome.messagesCovered} messages`,
    model,
    `greedy, max_new_tokens=${outcome.generation.maxNewTokens}`,
  ].join(' · ');
  const body = outcome.text.trim() === '' ? '_(the model returned no text)_' : escapeSlackText(outcome.text);
  return `${body}\n\n_${escapeSlackText(footer)}_`;
}
