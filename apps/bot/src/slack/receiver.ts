import { ConfigError } from '@parley/service-kit';
import bolt from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { SlackTransport } from '../config.js';

const { HTTPReceiver, SocketModeReceiver } = bolt;

type SocketModeClient = bolt.SocketModeReceiver['client'];

/** Where the adapter ended up listening, for the startup log line. */
export type Listening = { mode: 'http'; port: number } | { mode: 'socket' };

/** The transport Slack uses to reach this bot, and how to start and stop it. */
export interface SlackReceiver {
  readonly receiver: bolt.Receiver;
  /** HTTP: resolves once the port is bound. Socket: once Slack has said hello on the socket. */
  start(): Promise<Listening>;
  /** Resolves once no more requests can arrive (socket: after the close handshake). */
  stop(): Promise<void>;
}

/**
 * HTTP: Bolt verifies every request's signature before a listener runs. Socket Mode: the bot
 * opens the connection itself with the app-level token (apps.connections.open, at `apiUrl`
 * when set), so no public URL and no signing secret are needed.
 */
export function buildReceiver(transport: SlackTransport, opts: { logger: bolt.Logger; apiUrl: string | undefined }): SlackReceiver {
  if (transport.mode === 'http') {
    const receiver = new HTTPReceiver({ signingSecret: transport.signingSecret, logger: opts.logger, endpoints: '/slack/events' });
    return {
      receiver,
      start: async () => {
        const server = await receiver.start({ port: transport.port, host: transport.host });
        return { mode: 'http', port: (server.address() as AddressInfo).port };
      },
      stop: () => receiver.stop(),
    };
  }
  const receiver = new SocketModeReceiver({
    appToken: transport.appToken,
    logger: opts.logger,
    installerOptions: { clientOptions: { ...(opts.apiUrl && { slackApiUrl: opts.apiUrl }) } },
  });
  return {
    receiver,
    start: async () => {
      try {
        await receiver.start();
      } catch (err) {
        const refused = platformErrorCode(err);
        if (refused) {
          throw new ConfigError(`SLACK_APP_TOKEN was refused by Slack (${refused}); use an app-level token (xapp-…) of this app with the connections:write scope`);
        }
        throw err;
      }
      return { mode: 'socket' };
    },
    stop: () => closeSocket(receiver.client),
  };
}

/**
 * Bolt's stop() does not wait for the socket to close. Worse, a reconnect still waiting for
 * Slack's hello rejects its pending start() when the client disconnects, and nothing in the
 * client catches that rejection: the process would die of an unhandled rejection on its way
 * out. Only that pending start() listens for 'disconnected', so its listener is dropped first.
 */
async function closeSocket(client: SocketModeClient): Promise<void> {
  client.removeAllListeners('disconnected');
  await client.disconnect();
}

function platformErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== 'slack_webapi_platform_error') return undefined;
  return (err as { data?: { error?: string } }).data?.error ?? 'refused';
}
