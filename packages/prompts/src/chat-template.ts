import { Template } from '@huggingface/jinja';
import { TemplateError } from './template-error.js';

/** One turn of a chat template's `messages`: who speaks (system, user or assistant) and what. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The chat template of a model, as read from its tokenizer_config.json by the caller. */
export interface ChatTemplateSpec {
  /** `chat_template`: Jinja source. */
  source: string;
  bosToken?: string;
  eosToken?: string;
}

const compiled = new Map<string, Template>();

function compile(source: string): Template {
  let template = compiled.get(source);
  if (template === undefined) {
    try {
      template = new Template(source);
    } catch (error) {
      throw new TemplateError(
        'chat-template-invalid',
        `The model's chat template does not parse: ${String(error)}`,
        "The model's chat template is broken, so no prompt could be built for it.",
      );
    }
    compiled.set(source, template);
  }
  return template;
}

function render(template: Template, spec: ChatTemplateSpec, messages: readonly ChatTurn[]): string {
  return template.render({
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    add_generation_prompt: true,
    bos_token: spec.bosToken ?? '',
    eos_token: spec.eosToken ?? '',
  });
}

/**
 * System text moved to the front of the first user message, for templates that reject a system
 * role (Gemma's raises an exception for it). Turns that start with the assistant get it as a user
 * turn of their own in front, so user and assistant still alternate from a user turn.
 */
export function foldSystemIntoUser(messages: readonly ChatTurn[]): ChatTurn[] {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const rest = messages.filter((m) => m.role !== 'system');
  const firstUser = rest.findIndex((m) => m.role === 'user');
  if (system === '') return rest;
  if (firstUser !== 0) return [{ role: 'user', content: system }, ...rest];
  return rest.map((m, i) => (i === firstUser ? { role: 'user', content: `${system}\n\n${m.content}` } : m));
}

/**
 * Renders chat turns through the model's chat template, ending with the generation prompt for the
 * assistant turn. If the template fails while a system message is present, the system text is
 * folded into the first user message and rendering is tried once more.
 */
export function renderChat(spec: ChatTemplateSpec, messages: readonly ChatTurn[]): string {
  const template = compile(spec.source);
  let firstError: unknown;
  try {
    return render(template, spec, messages);
  } catch (error) {
    firstError = error;
  }
  if (messages.some((m) => m.role === 'system')) {
    try {
      return render(template, spec, foldSystemIntoUser(messages));
    } catch {
      // Report the original failure below: it names the real problem.
    }
  }
  throw new TemplateError(
    'chat-template-failed',
    `The model's chat template failed to render: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
    "The model's chat template could not render this request.",
  );
}
