import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppProcess } from './helpers/app-process.js';
import { REDIS_URL } from './helpers/redis.js';

/** A process that cannot start says why in one line on stderr, with no stack trace, and exits 1. */
async function startupFailure(app: 'bot' | 'worker', env: Record<string, string>): Promise<string> {
  const proc = new AppProcess(app, { REDIS_URL, ...env });
  expect(await proc.exited).toBe(1);
  const lines = proc.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(proc.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('startup errors', () => {
  it('the bot without its Slack signing secret', async () => {
    const line = await startupFailure('bot', { SLACK_BOT_TOKEN: 'xoxb-x' });
    expect(line).toBe(
      "parley-bot: cannot start: SLACK_SIGNING_SECRET is not set; copy the Signing Secret from your Slack app's Basic Information page",
    );
  });

  it('the bot in Socket Mode without its app-level token, naming the variable and the scope', async () => {
    const line = await startupFailure('bot', { SLACK_MODE: 'socket', SLACK_BOT_TOKEN: 'xoxb-x' });
    expect(line).toBe(
      "parley-bot: cannot start: SLACK_APP_TOKEN is not set; SLACK_MODE=socket needs an app-level token (xapp-…) with the connections:write scope: your Slack app's Basic Information page → App-Level Tokens",
    );
  });

  it('the bot with an unknown SLACK_MODE', async () => {
    const line = await startupFailure('bot', { SLACK_MODE: 'websocket', SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's' });
    expect(line).toMatch(/^parley-bot: cannot start: SLACK_MODE is invalid \(.*"http".*"socket".*\); use http \(Slack POSTs to this bot\) or socket/);
  });

  it('the bot with a Discord token but no application id', async () => {
    const line = await startupFailure('bot', { DISCORD_TOKEN: 'x'.repeat(30) });
    expect(line).toBe("parley-bot: cannot start: DISCORD_APPLICATION_ID is not set; copy the Application ID from your Discord application's General Information page");
  });

  it('the worker pointed at a missing model folder', async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'parley-')), 'no-such-model');
    const line = await startupFailure('worker', { MODEL_DIR: missing });
    expect(line).toBe(
      `parley-worker: cannot start [MODEL_NOT_FOUND]: model folder ${missing} does not exist (expected a Hugging Face ONNX export: ` +
        'config.json, tokenizer.json, tokenizer_config.json, and either onnx/encoder_model.onnx with onnx/decoder_model_merged.onnx ' +
        '(or onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx) for encoder–decoder models, or onnx/model.onnx for ' +
        'decoder-only and token-classification models)',
    );
  });

  it('the worker with no Redis to talk to', async () => {
    const line = await startupFailure('worker', { MODEL_DIR: '/x', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(line).toBe('parley-worker: cannot start: no Redis answers at redis://127.0.0.1:1: start redis-server, or set REDIS_URL');
  });
});
