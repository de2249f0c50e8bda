// Chat messages arrive with the bot's own mention in them (`<@U024BE7LH> how do I…`, `@Lore how…`). The mention
// addresses the bot; it is not part of what is asked, so intent detection and retrieval never see it.

// Slack `<@U123>` / `<@U123|name>`, Discord `<@123>` / `<@!123>` / roles `<@&123>`, and Slack `<!here>`-style broadcasts.
const PLATFORM_MENTION = /<(?:@[!&]?[A-Za-z0-9]+(?:\|[^>]*)?|![a-z]+(?:\|[^>]*)?)>/g;

/** Removes platform user/role mentions and addresses to the bot (`@lore`, a leading `Lore:`), then tidies the spaces. */
export function stripMentions(text: string, botNames: readonly string[] = ['lore']): string {
  let stripped = text.replace(PLATFORM_MENTION, ' ');
  const names = botNames.map(escapeRegExp).join('|');
  if (names !== '') {
    // `@lore` anywhere is an address; a bare "Lore" only when it opens the message as a vocative ("Lore: status"),
    // since elsewhere ("is Lore down?") the name is what is being asked about.
    stripped = stripped.replace(new RegExp(`^\\s*(?:@(?:${names})\\b\\s*[:,]?|(?:${names})\\s*[:,])`, 'i'), ' ');
    stripped = stripped.replace(new RegExp(`\\s@(?:${names})\\b`, 'gi'), ' ');
  }
  return stripped.replace(/\s+/g, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
