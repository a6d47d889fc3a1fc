import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT, FakeSlack } from '../../../test/helpers/fake-slack.js';
import { UserNames } from '../src/slack/reading/user-names.js';

describe('UserNames (users.info with a bounded cache)', () => {
  const fake = new FakeSlack();
  let client: WebClient;
  beforeAll(async () => {
    await fake.start();
    fake.users.set('U1', 'Maya').set('U2', 'Omar').set('U3', 'Lena');
    client = new WebClient(FAKE_BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(() => fake.stop());

  const lookups = () => fake.callsTo('users.info').map((c) => c.args['user']);

  it('resolves display names, asks once per user, and evicts the least recently used beyond capacity', async () => {
    const names = new UserNames(client, 2);
    expect(await Promise.all([names.nameOf('U1'), names.nameOf('U1'), names.nameOf('U2')])).toEqual(['Maya', 'Maya', 'Omar']);
    expect(await names.nameOf('U1')).toBe('Maya'); // U1 is now the most recently used
    expect(await names.nameOf('U3')).toBe('Lena'); // evicts U2
    expect(await names.nameOf('U1')).toBe('Maya');
    expect(await names.nameOf('U2')).toBe('Omar');
    expect(lookups()).toEqual(['U1', 'U2', 'U3', 'U2']);
  });

  it('falls back to the id for an unknown user, and asks again next time', async () => {
    const names = new UserNames(client);
    const before = lookups().length;
    expect(await names.nameOf('U404')).toBe('U404');
    expect(await names.nameOf('U404')).toBe('U404');
    expect(lookups().length - before).toBe(2);
  });
});
