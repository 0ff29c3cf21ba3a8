/** `&`, `<` and `>` as entities: nothing in the text is markup (Slack mrkdwn, Feishu card markdown). */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The platforms' length limits are on characters: cut between characters, with an ellipsis. */
export { echo as truncate } from "../../src/limits.js";
