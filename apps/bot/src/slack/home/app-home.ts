import type { Logger } from '@parley/service-kit';
import { layerSettings } from '@parley/settings';
import type { App } from '@slack/bolt';
import { isCodedError } from '@parley/errors';
import type { FeedbackStore } from '../../core/feedback.js';
import type { SettingsStore } from '../../core/settings-store.js';
import { botDefaults } from '../genconfig/genconfig-form.js';
import { HOME_CHANNEL_LIMIT, homeView, type HomeFeedback, type HomeSettings } from './home-view.js';

export interface AppHomeDeps {
  settings: SettingsStore;
  feedback: FeedbackStore;
  log: Logger;
  maxNewTokens: number;
}

async function readHomeSettings(deps: AppHomeDeps, team: string): Promise<HomeSettings> {
  const workspace = { platform: 'slack' as const, workspace: team };
  const model = botDefaults(deps);
  const [own, [last], index] = await Promise.all([
    deps.settings.get(workspace),
    deps.settings.audit(workspace, 1),
    deps.settings.configuredChannels(workspace, HOME_CHANNEL_LIMIT),
  ]);
  const channels = await Promise.all(
    index.channels.map(async (channel) => {
      const scope = { ...workspace, channel };
      const [{ settings }, [changed]] = await Promise.all([deps.settings.effective(scope, { model }), deps.settings.audit(scope, 1)]);
      return { channel, effective: settings, last: changed };
    }),
  );
  return { workspace: { own: own.settings, effective: layerSettings({ model, workspace: own.settings }), last }, channels, totalChannels: index.total };
}

async function readHomeFeedback(deps: AppHomeDeps, team: string): Promise<HomeFeedback> {
  try {
    return { tallies: await deps.feedback.tallies({ platform: 'slack', workspace: team }) };
  } catch (err) {
    if (!isCodedError(err)) throw err;
    deps.log.warn({ code: err.code }, 'home tab without feedback');
    return { unavailable: err.userMessage };
  }
}

/** The App Home tab, published afresh each time someone opens it, so it always shows current settings and votes. */
export function registerAppHome(app: App, deps: AppHomeDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const team = (body as { team_id?: string }).team_id ?? '';
    const [settings, feedback] = await Promise.all([
      readHomeSettings(deps, team).catch((err: unknown): HomeSettings => {
        if (!isCodedError(err)) throw err;
        deps.log.warn({ code: err.code }, 'home tab without settings');
        return { unavailable: err.userMessage };
      }),
      readHomeFeedback(deps, team),
    ]);
    await client.views.publish({ user_id: event.user, view: homeView(settings, feedback) });
  });
}
