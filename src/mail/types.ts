/** A filing e-mail as composed, before any transport sees it. */
export interface Outgoing {
  /** Chosen before sending, so that a send whose outcome is unknown can still be named. */
  messageId: string;
  from: { name?: string; address: string };
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface Sent {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** Bytes of the whole message as built (drills show it); unknown for a real send. */
  size?: number;
}
