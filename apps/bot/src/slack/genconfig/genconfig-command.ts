import { isCodedError } from '@parley/errors';
import type { Logger } from '@parley/service-kit';
import type { App } from '@slack/bolt';
import { changeSettings, currentSettings, describeSaved, isSettingsVerb, settingsHereLine } from '../../core/settings-command.js';
import type { ChannelScope, SettingsStore } from '../../core/settings-store.js';
import { buildGenconfigForm } from './genconfig-form.js';
import { isSettingsAdmin, NOT_ADMIN } from './slack-admin.js';

export interface GenconfigDeps {
  settings: SettingsStore;
  log: Logger;
  /** Users allowed to change settings besides workspace admins and owners. */
  adminUserIds: readonly string[];
  maxNewTokens: number;
}

const USAGE =
  "`/genconfig show` shows this channel's settings. Admins get a form with `/genconfig`, or change them here: `/genconfig set temperature=0.7 top_p=0.9 sample`, " +
  '`/genconfig preset precise|balanced|creative`, `/genconfig reset`.';

const describeChannel = async (settings: SettingsStore, scope: ChannelScope) => settingsHereLine(await currentSettings(settings, scope));

/**
 * `/genconfig`: anyone sees the channel's generation settings and who changed them last;
 * workspace admins (and configured admins) change them in a form (no arguments), or with `set`,
 * `preset` and `reset`. A non-admin asking for the form is told why not, with the settings.
 */
export function registerGenconfigCommand(app: App, deps: GenconfigDeps): void {
  app.command('/genconfig', async ({ command, ack, client, respond }) => {
    const scope = { platform: 'slack' as const, workspace: command.team_id, channel: command.channel_id };
    const [verb = 'form', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const reply = (text: string) => ack({ response_type: 'ephemeral', text });
    try {
      if (verb === 'show') {
        await reply(`${await describeChannel(deps.settings, scope)}\n${USAGE}`);
        return;
      }
      if (verb === 'form') {
        const [admin, form] = await Promise.all([
          isSettingsAdmin(client, command.user_id, deps.adminUserIds),
          buildGenconfigForm(deps, { team: command.team_id, channel: command.channel_id }),
        ]);
        if (!admin) {
          await reply(`${NOT_ADMIN} ${await describeChannel(deps.settings, scope)}`);
          return;
        }
        await ack();
        try {
          await client.views.open({ trigger_id: command.trigger_id, view: form });
        } catch (err) {
          deps.log.warn({ code: (err as { data?: { error?: string } }).data?.error }, 'settings form not opened');
          await respond({ response_type: 'ephemeral', text: ":warning: Slack didn't open the settings form. Please try again, or use `/genconfig set key=value …`." });
        }
        return;
      }
      if (!isSettingsVerb(verb)) {
        await reply(USAGE);
        return;
      }
      if (!(await isSettingsAdmin(client, command.user_id, deps.adminUserIds))) {
        await reply(`${NOT_ADMIN} \`/genconfig\` shows them.`);
        return;
      }
      const entries = await changeSettings(deps.settings, scope, { verb, args: args.join(' '), actor: command.user_id });
      deps.log.info({ user: command.user_id, verb, fields: entries.map((e) => e.field) }, 'settings changed');
      await reply(describeSaved(entries, (await deps.settings.effective(scope)).settings));
    } catch (err) {
      if (!isCodedError(err)) throw err;
      await reply(`:warning: ${err.userMessage}`);
    }
  });
}
