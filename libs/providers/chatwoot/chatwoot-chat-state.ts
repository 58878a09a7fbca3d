/** What this desk keeps per session (DeskStateStore chat state). */
export interface ChatwootChatState {
  /** The Chatwoot conversation, stored as soon as it exists: a retried openChat reuses it. */
  ref?: string;
  introPosted?: boolean;
  /** Our contact's source id in the inbox (what the Client API names the contact by). */
  sourceId?: string;
  /** Our contact as a message author (`contact:<id>`): what the own-echo check compares. */
  ownAuthor?: string;
  /** The id of the newest Chatwoot message a catch-up has read: the next one reads after it. */
  cursor?: string;
  /** The agent has been told that the user is back with the bot. */
  toldBackWithBot?: boolean;
}
