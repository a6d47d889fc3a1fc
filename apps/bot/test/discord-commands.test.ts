import { ApplicationCommandType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions, CONTEXT_MENUS } from '../src/discord/commands.js';
import { parseSince } from '../src/discord/command-options.js';

describe('Discord command definitions', () => {
  const defs = commandDefinitions(1000);

  it('registers the four task commands and the three message context menus for guild and user installs everywhere, /genconfig for servers only', () => {
    expect(defs.map((d) => d.name)).toEqual(['summarize', 'translate', 'entities', 'ask', 'genconfig', ...Object.values(CONTEXT_MENUS)]);
    expect(defs.filter((d) => d.type === ApplicationCommandType.Message)).toHaveLength(3);
    for (const d of defs) {
      const serverOnly = d.name === 'genconfig';
      expect(d.integration_types).toEqual(serverOnly ? [0] : [0, 1]);
      expect(d.contexts).toEqual(serverOnly ? [0] : [0, 1, 2]);
    }
  });

  it('/genconfig defaults to members with Manage Channels', () => {
    expect(defs.find((d) => d.name === 'genconfig')!.default_member_permissions).toBe(String(PermissionFlagsBits.ManageChannels));
    expect(defs.filter((d) => d.default_member_permissions !== undefined)).toHaveLength(1);
  });

  it('every task command takes the private option', () => {
    for (const name of ['summarize', 'translate', 'entities', 'ask']) {
      const def = defs.find((d) => d.name === name) as { options?: { name: string }[] };
      expect(def.options?.some((o) => o.name === 'private')).toBe(true);
    }
  });
});

describe('parseSince', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseSince('30m')).toBe(30 * 60_000);
    expect(parseSince('2h')).toBe(7_200_000);
    expect(parseSince(' 1d ')).toBe(86_400_000);
  });

  it('refuses what it cannot read, saying what works', () => {
    expect(() => parseSince('yesterday')).toThrow(/30m/);
    expect(() => parseSince('100d')).toThrow(/90 days/);
  });
});
