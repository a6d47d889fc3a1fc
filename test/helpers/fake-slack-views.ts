/**
 * The Block Kit limits Slack enforces on views.open / views.publish / views.update, for the fake
 * Web API: a view over them is refused with `invalid_arguments` and the reasons, as Slack does.
 * Covers the blocks and elements Parley sends; anything else is refused as unknown.
 */
type Json = Record<string, unknown>;

const MAX_BLOCKS = 100;

function text(obj: unknown, where: string, max: number, problems: string[], kinds: string[] = ['plain_text', 'mrkdwn']): void {
  const t = obj as Json | undefined;
  if (!t || typeof t !== 'object' || !kinds.includes(String(t['type'])) || typeof t['text'] !== 'string') {
    problems.push(`must be a text object of type ${kinds.join(' or ')} [json-pointer:${where}]`);
    return;
  }
  if (t['text'].length === 0) problems.push(`must be at least 1 character [json-pointer:${where}/text]`);
  if (t['text'].length > max) problems.push(`must be less than ${max + 1} characters [json-pointer:${where}/text]`);
}

function option(o: unknown, where: string, problems: string[]): void {
  const opt = o as Json;
  text(opt?.['text'], `${where}/text`, 75, problems, ['plain_text']);
  if (typeof opt?.['value'] !== 'string' || opt['value'].length > 150) problems.push(`must be a string of at most 150 characters [json-pointer:${where}/value]`);
}

function element(el: Json | undefined, where: string, problems: string[]): void {
  if (!el) return void problems.push(`missing required field: element [json-pointer:${where}]`);
  if (typeof el['action_id'] === 'string' && el['action_id'].length > 255) problems.push(`must be less than 256 characters [json-pointer:${where}/action_id]`);
  if (el['placeholder'] !== undefined) text(el['placeholder'], `${where}/placeholder`, 150, problems, ['plain_text']);
  switch (el['type']) {
    case 'number_input':
      if (typeof el['is_decimal_allowed'] !== 'boolean') problems.push(`missing required field: is_decimal_allowed [json-pointer:${where}]`);
      if (el['initial_value'] !== undefined && (typeof el['initial_value'] !== 'string' || Number.isNaN(Number(el['initial_value'])))) {
        problems.push(`must be a number string [json-pointer:${where}/initial_value]`);
      } else if (el['is_decimal_allowed'] === false && el['initial_value'] !== undefined && !Number.isInteger(Number(el['initial_value']))) {
        problems.push(`must be an integer [json-pointer:${where}/initial_value]`);
      }
      return;
    case 'plain_text_input':
      return;
    case 'static_select': {
      const options = el['options'] as unknown[] | undefined;
      if (!Array.isArray(options) || options.length === 0 || options.length > 100) return void problems.push(`must have 1 to 100 items [json-pointer:${where}/options]`);
      options.forEach((o, i) => option(o, `${where}/options/${i}`, problems));
      const initial = el['initial_option'];
      if (initial !== undefined && !options.some((o) => JSON.stringify(o) === JSON.stringify(initial))) {
        problems.push(`must match one of the options [json-pointer:${where}/initial_option]`);
      }
      return;
    }
    default:
      problems.push(`unsupported element type ${String(el['type'])} [json-pointer:${where}/type]`);
  }
}

function block(b: Json, where: string, problems: string[]): void {
  switch (b['type']) {
    case 'section':
      return text(b['text'], `${where}/text`, 3000, problems);
    case 'header':
      return text(b['text'], `${where}/text`, 150, problems, ['plain_text']);
    case 'divider':
      return;
    case 'context': {
      const elements = b['elements'] as unknown[] | undefined;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) return void problems.push(`must have 1 to 10 items [json-pointer:${where}/elements]`);
      return elements.forEach((e, i) => text(e, `${where}/elements/${i}`, 3000, problems));
    }
    case 'input':
      text(b['label'], `${where}/label`, 2000, problems, ['plain_text']);
      if (b['hint'] !== undefined) text(b['hint'], `${where}/hint`, 2000, problems, ['plain_text']);
      return element(b['element'] as Json | undefined, `${where}/element`, problems);
    default:
      problems.push(`unsupported block type ${String(b['type'])} [json-pointer:${where}/type]`);
  }
}

/** What Slack would refuse in this view, in its `[ERROR] …` style; empty when the view is valid. */
export function viewProblems(view: unknown): string[] {
  const problems: string[] = [];
  const v = view as Json | undefined;
  if (!v || typeof v !== 'object') return ['[ERROR] missing required field: view'];
  if (v['type'] !== 'modal' && v['type'] !== 'home') problems.push('must be modal or home [json-pointer:/view/type]');
  const blocks = v['blocks'];
  if (!Array.isArray(blocks)) problems.push('missing required field: blocks [json-pointer:/view/blocks]');
  else {
    if (blocks.length > MAX_BLOCKS) problems.push(`must be less than ${MAX_BLOCKS + 1} items [json-pointer:/view/blocks]`);
    const ids = new Set<string>();
    blocks.forEach((b: Json, i) => {
      const id = b['block_id'];
      if (typeof id === 'string') {
        if (id.length > 255) problems.push(`must be less than 256 characters [json-pointer:/view/blocks/${i}/block_id]`);
        if (ids.has(id)) problems.push(`duplicate block_id ${id} [json-pointer:/view/blocks/${i}/block_id]`);
        ids.add(id);
      }
      block(b, `/view/blocks/${i}`, problems);
    });
    if (v['type'] === 'modal' && blocks.some((b: Json) => b['type'] === 'input') && v['submit'] === undefined) {
      problems.push('submit is required when a view has input blocks [json-pointer:/view/submit]');
    }
  }
  if (v['type'] === 'modal') {
    text(v['title'], '/view/title', 24, problems, ['plain_text']);
    for (const button of ['submit', 'close']) if (v[button] !== undefined) text(v[button], `/view/${button}`, 24, problems, ['plain_text']);
  }
  if (typeof v['private_metadata'] === 'string' && v['private_metadata'].length > 3000) problems.push('must be less than 3001 characters [json-pointer:/view/private_metadata]');
  if (typeof v['callback_id'] === 'string' && v['callback_id'].length > 255) problems.push('must be less than 256 characters [json-pointer:/view/callback_id]');
  return problems.map((p) => (p.startsWith('[ERROR]') ? p : `[ERROR] ${p}`));
}
