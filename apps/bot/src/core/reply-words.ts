import type { ProgressStage, ReplyOutcome, Task } from '@parley/jobs';
import { describeSettings } from '@parley/settings';

/** What a waiting reply says on every platform, e.g. "Summarizing 42 messages". */
function workingOn(task: Task, messages: number): string {
  const count = `${messages} message${messages === 1 ? '' : 's'}`;
  switch (task) {
    case 'summarize':
      return `Summarizing ${count}`;
    case 'translate':
      return `Translating ${count}`;
    case 'entities':
      return `Finding people, places and dates in ${count}`;
    case 'ask':
      return `Reading ${count} to answer your question`;
  }
}

/**
 * What a waiting reply says, for platforms that say the place in the queue as "#3 in the queue":
 * "Summarizing 42 messages…", then behind other requests "Summarizing 42 messages… (#3 in the queue)".
 */
export function waitingText(task: Task, messages: number, ahead = 0): string {
  return `${workingOn(task, messages)}…${ahead > 0 ? ` (#${ahead + 1} in the queue)` : ''}`;
}

/** The place in the queue as a status line: "You're #3 in the queue…"; undefined when it runs next. */
export function queueText(ahead: number): string | undefined {
  return ahead > 0 ? `You're #${ahead + 1} in the queue…` : undefined;
}

/** What a worker is doing before any text exists: "Reading 240 messages…", "Summarizing part 3 of 7…". */
export function stageText(stage: ProgressStage): string {
  switch (stage.kind) {
    case 'reading':
      return `Reading ${stage.messages} message${stage.messages === 1 ? '' : 's'}…`;
    case 'part':
      return `Summarizing part ${stage.part} of ${stage.of}…`;
    case 'combining':
      return `Putting the ${stage.parts} parts together…`;
  }
}

/** What was done: "translated to German", "entities (generative prompt + date/amount patterns)", "summarize". */
function taskWords(outcome: Extract<ReplyOutcome, { ok: true }>): string {
  const details = outcome.details;
  if (details?.kind === 'translation') return `translated to ${details.language.name}`;
  if (details?.kind === 'entities' && details.method) {
    return `entities (${details.method === 'generative' ? 'generative prompt' : 'named-entity model'} + date/amount patterns)`;
  }
  if (details?.kind === 'answer' && details.chat) return 'chat';
  return outcome.task;
}

/** What the model read: "12 messages", "last 40 of 900 messages (…)"; for a chat, its earlier turns. */
function coverageWords(outcome: Extract<ReplyOutcome, { ok: true }>): string {
  const { messagesCovered: covered, messagesInThread: total } = outcome;
  if (outcome.details?.kind === 'answer' && outcome.details.chat) {
    if (covered < total) return `last ${covered} of ${total} turns (older ones did not fit the model)`;
    return covered === 0 ? 'no earlier turns' : `${covered} earlier turn${covered === 1 ? '' : 's'}`;
  }
  return covered < total ? `last ${covered} of ${total} messages (the rest did not fit the model)` : `${covered} message${covered === 1 ? '' : 's'}`;
}

/**
 * The footer under every answer, as plain text for each platform to escape and style: the task,
 * what the model read, the model (saying so when it is the random test model) and the settings.
 */
export function footerText(outcome: Extract<ReplyOutcome, { ok: true }>): string {
  const model = outcome.model.isRandomTestModel ? `${outcome.model.name} (random test model, output is noise)` : outcome.model.name;
  return [
    taskWords(outcome),
    coverageWords(outcome),
    model,
    describeSettings(outcome.generation),
  ].join(' · ');
}
