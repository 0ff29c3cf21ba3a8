/** A send that did not go through: the message is what the user reads. */
export class MailError extends Error {
  /**
   * The server had the whole message but never answered for it (a stall or a dropped
   * connection after DATA): it may have been accepted. Sending again could file it twice.
   */
  constructor(message: string, readonly outcomeUnknown = false) {
    super(message);
  }
}
