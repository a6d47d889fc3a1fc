import { PRESET_NAMES, type Settings } from '@parley/settings';
import type { types } from '@slack/bolt';
import type { AuditEntry } from '../../core/settings-store.js';
import { ACTION_ID, FORM_FIELDS, GENCONFIG_CALLBACK_ID, INHERIT, PRESET_BLOCK_ID, PRESET_HINT, type FormField, type FormOption } from './genconfig-fields.js';
import { lastChangeText } from './settings-text.js';

/** Where a submitted form applies; travels in the view's private_metadata. */
export interface FormTarget {
  team: string;
  channel: string;
}

export interface GenconfigFormInput {
  target: FormTarget;
  /** The channel's own settings: the inputs start with these. */
  channel: Settings;
  /** What an empty input falls back to (the workspace default), shown as placeholders. */
  inherited: Settings;
  last: AuditEntry | undefined;
}

const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text });
const option = (o: FormOption): types.PlainTextOption => ({ text: plain(o.text), value: o.value });

function shownValue(field: FormField, value: Settings[keyof Settings] | undefined): string {
  if (value === undefined) return 'the model default';
  if (field.input.kind === 'select') return field.input.options.find((o) => o.value === selectValue(field, value))?.text ?? String(value);
  return String(value);
}

function selectValue(field: FormField, value: Settings[keyof Settings]): string {
  if (field.key === 'doSample') return value ? 'sample' : 'greedy';
  return String(value);
}

function element(field: FormField, own: Settings[keyof Settings] | undefined, inherited: Settings[keyof Settings] | undefined): types.InputBlockElement {
  const fallback = `Inherit (${shownValue(field, inherited)})`.slice(0, 75);
  if (field.input.kind === 'number') {
    return {
      type: 'number_input',
      action_id: ACTION_ID,
      is_decimal_allowed: field.input.decimal,
      ...(field.input.min !== undefined && { min_value: String(field.input.min) }),
      max_value: String(field.input.max),
      placeholder: plain(`Empty: inherit ${shownValue(field, inherited)}`),
      ...(own !== undefined && { initial_value: String(own) }),
    };
  }
  // A select cannot be emptied once chosen, so "inherit" is an option of its own.
  const inherit = option({ value: INHERIT, text: fallback });
  const options = [inherit, ...field.input.options.map(option)];
  const initial = own === undefined ? inherit : (options.find((o) => o.value === selectValue(field, own)) ?? inherit);
  return { type: 'static_select', action_id: ACTION_ID, options, initial_option: initial };
}

/** The /genconfig form: one input per setting with a hint, starting from the channel's own settings. */
export function genconfigForm(input: GenconfigFormInput): types.ModalView {
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `Generation settings for <#${input.target.channel}>. Leave a field empty (or on *Inherit*) to use the workspace default.` },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: lastChangeText(input.last) }] },
    { type: 'divider' },
  ];
  for (const field of FORM_FIELDS) {
    blocks.push({
      type: 'input',
      block_id: field.blockId,
      optional: true,
      label: plain(field.label),
      hint: plain(field.hint),
      element: element(field, input.channel[field.key], input.inherited[field.key]),
    });
  }
  blocks.push({
    type: 'input',
    block_id: PRESET_BLOCK_ID,
    optional: true,
    label: plain('Preset'),
    hint: plain(PRESET_HINT),
    element: { type: 'static_select', action_id: ACTION_ID, placeholder: plain('No preset'), options: PRESET_NAMES.map((p) => option({ value: p, text: p })) },
  });
  return {
    type: 'modal',
    callback_id: GENCONFIG_CALLBACK_ID,
    private_metadata: JSON.stringify(input.target),
    title: plain('Parley settings'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

/** A modal with one message, e.g. to answer a submission that is refused. */
export function noticeModal(text: string): types.ModalView {
  return { type: 'modal', title: plain('Parley settings'), close: plain('Close'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
