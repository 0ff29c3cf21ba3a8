/** A send that did not go through: the message is what the user reads. */
export class MailError extends Error {}
