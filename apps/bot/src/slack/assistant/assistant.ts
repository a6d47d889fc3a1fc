import type { App } from '@slack/bolt';
import type { SlackAppOptions } from '../create-app.js';

/** Slack's Assistant surface (split view, agent view) and DMs with the bot as a multi-turn chat. */
export function registerAssistant(app: App, deps: SlackAppOptions): void {
  void app;
  void deps;
}
