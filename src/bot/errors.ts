/** Bad input from the user: answered with the message and the command's usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** The user may not do this here: answered privately, nothing changes. */
export class PermissionError extends Error {}
