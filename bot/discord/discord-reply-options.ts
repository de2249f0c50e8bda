import { MessageFlags } from 'discord.js';

// The options Lore's replies to interactions share.

/** Only the person who ran the command or clicked sees the reply. */
export const EPHEMERAL = MessageFlags.Ephemeral;

/** Pings no one: nothing Lore writes notifies a user, role or everyone unless a call says so. */
export const NO_MENTIONS = { parse: [] as [] };
