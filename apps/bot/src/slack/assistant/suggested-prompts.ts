/** The three things Parley offers to do with the channel the user has open next to the assistant. */
export type ChannelAction = 'summarize' | 'translate' | 'entities';

export interface SuggestedPrompts {
  title: string;
  prompts: { title: string; message: string }[];
}

const TITLES: Record<ChannelAction, string> = {
  summarize: 'Summarize this channel',
  translate: 'Translate the last message',
  entities: 'Who is mentioned here?',
};

/**
 * The prompts shown in an assistant thread. With a channel known, each prompt's message names it,
 * so what the user sends (and sees in the thread) says which channel it is about.
 */
export function suggestedPrompts(channelId: string | undefined): SuggestedPrompts {
  const channel = channelId && `<#${channelId}>`;
  const messages: Record<ChannelAction, string> = channel
    ? { summarize: `Summarize ${channel}`, translate: `Translate the last message in ${channel}`, entities: `Who is mentioned in ${channel}?` }
    : TITLES;
  return {
    title: channel ? 'About the channel you have open' : 'Open a channel, then try',
    prompts: (Object.keys(TITLES) as ChannelAction[]).map((action) => ({ title: TITLES[action], message: messages[action] })),
  };
}

const CHANNEL = String.raw`<#([A-Z][A-Z0-9]{2,30})(?:\|[^>]*)?>`;
const HERE = String.raw`(?:this channel|here|${CHANNEL})`;
const ACTIONS: [ChannelAction, RegExp][] = [
  ['summarize', new RegExp(String.raw`^(?:summari[sz]e|sum up) ${HERE}$`, 'i')],
  ['translate', new RegExp(String.raw`^translate the last message(?: (?:in|of) ${HERE}| here)?$`, 'i')],
  ['entities', new RegExp(String.raw`^who is mentioned (?:in )?${HERE}$`, 'i')],
];

/**
 * A suggested prompt sent back as a message (Slack posts the prompt's `message` as the user's),
 * or the same words typed: the action, and the channel it names, if it names one. Anything else
 * is a chat turn (null).
 */
export function channelActionOf(text: string): { action: ChannelAction; channelId?: string } | null {
  const words = text.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
  for (const [action, pattern] of ACTIONS) {
    const match = pattern.exec(words);
    if (match) return { action, ...(match[1] && { channelId: match[1] }) };
  }
  return null;
}
