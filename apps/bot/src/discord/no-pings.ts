/**
 * Discord's `allowed_mentions` that parses nothing: model output or quoted text can never ping
 * `@everyone`, `@here`, a role or a user, and a reply does not ping its author. Sent as the
 * client default and again with every call Parley makes.
 */
export const NO_PINGS = { parse: [] as never[], replied_user: false } as const;

/** The same, in discord.js's option shape. */
export const NO_PINGS_OPTION = { parse: [] as never[], repliedUser: false };
