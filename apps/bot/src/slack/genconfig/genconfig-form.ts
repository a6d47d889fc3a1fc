import type { Logger } from '@parley/service-kit';
import { isCodedError } from '@parley/errors';
import { describeSettings, layerSettings, type Settings } from '@parley/settings';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { samplingNote } from '../../core/settings-command.js';
import type { AuditEntry, ChannelScope, SettingsStore } from '../../core/settings-store.js';
import { FORM_FIELDS, GENCONFIG_CALLBACK_ID } from './genconfig-fields.js';
import { readFormTarget, readGenconfigForm } from './genconfig-submission.js';
import { genconfigForm, noticeModal, type FormTarget } from './genconfig-view.js';
import { isSettingsAdmin, NOT_ADMIN } from './slack-admin.js';

export interface GenconfigFormDeps {
  settings: SettingsStore;
  log: Logger;
  adminUserIds: readonly string[];
  /** The bot's own default, below every stored layer (MAX_NEW_TOKENS). */
  maxNewTokens: number;
}

/** What applies where nothing is stored: the bot's defaults. */
export const botDefaults = (deps: { maxNewTokens: number }): Settings => ({ maxNewTokens: deps.maxNewTokens });

const scopeOf = (target: FormTarget): ChannelScope => ({ platform: 'slack', workspace: target.team, channel: target.channel });

/** The form for one channel, filled from its own settings, with the workspace defaults as placeholders. */
export async function buildGenconfigForm(deps: GenconfigFormDeps, target: FormTarget) {
  const scope = scopeOf(target);
  const [own, workspace, [last]] = await Promise.all([
    deps.settings.get(scope),
    deps.settings.get({ platform: 'slack', workspace: target.team }),
    deps.settings.audit(scope, 1),
  ]);
  const inherited = layerSettings({ model: botDefaults(deps), workspace: workspace.settings });
  return genconfigForm({ target, channel: own.settings, inherited, last });
}

/**
 * The /genconfig form's submission: the admin rule is checked again (a submission can be replayed
 * or forged, and admins can be demoted while the form is open), the inputs are validated, bad ones
 * are answered under their inputs, and a valid form is saved with the submitter as its author.
 */
export function registerGenconfigForm(app: App, deps: GenconfigFormDeps): void {
  app.view(GENCONFIG_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const team = body.team?.id ?? body.user.team_id;
    const target = readFormTarget(view.private_metadata);
    if (!target || target.team !== team) {
      deps.log.warn({ user }, 'genconfig form with foreign or unreadable metadata refused');
      await ack({ response_action: 'update', view: noticeModal('This form is not valid here. Open a new one with `/genconfig`.') });
      return;
    }
    if (!(await isSettingsAdmin(client, user, deps.adminUserIds))) {
      deps.log.info({ user }, 'genconfig form refused: not an admin');
      await ack({ response_action: 'update', view: noticeModal(`${NOT_ADMIN} Nothing was changed.`) });
      return;
    }
    const reading = readGenconfigForm(view.state.values);
    if (!reading.ok) {
      await ack({ response_action: 'errors', errors: reading.errors });
      return;
    }
    const scope = scopeOf(target);
    let changed: AuditEntry[];
    try {
      changed = await deps.settings.set(scope, reading.changes, user, reading.preset ? `form+preset:${reading.preset}` : 'form');
    } catch (err) {
      if (!isCodedError(err)) throw err;
      await ack({ response_action: 'errors', errors: { [FORM_FIELDS[0]!.blockId]: err.userMessage } });
      return;
    }
    await ack();
    deps.log.info({ user, changed: changed.length }, 'settings changed with the form');
    await confirm(client, deps, scope, user, changed);
  });
}

async function confirm(client: WebClient, deps: GenconfigFormDeps, scope: ChannelScope, user: string, changed: readonly AuditEntry[]): Promise<void> {
  const { settings } = await deps.settings.effective(scope, { model: botDefaults(deps) });
  const head = changed.length === 0 ? 'Nothing changed.' : `Saved ${changed.length} ${changed.length === 1 ? 'change' : 'changes'}.`;
  const note = samplingNote(changed, settings);
  try {
    await client.chat.postEphemeral({ channel: scope.channel, user, text: `${head} Settings in <#${scope.channel}> now: ${describeSettings(settings)}.${note ? ` ${note}` : ''}` });
  } catch (err) {
    deps.log.warn({ code: (err as { data?: { error?: string } }).data?.error }, 'settings confirmation not delivered');
  }
}
