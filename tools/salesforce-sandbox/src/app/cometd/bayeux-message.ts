/** A Bayeux message as the client sends it (only the members the Streaming API reads). */
export interface BayeuxRequest {
  channel?: unknown;
  id?: unknown;
  clientId?: unknown;
  subscription?: unknown;
  connectionType?: unknown;
  supportedConnectionTypes?: unknown;
  advice?: { timeout?: unknown };
  ext?: { replay?: Record<string, unknown> };
}

/** A reply or an event delivered on a connect. */
export type BayeuxReply = Record<string, unknown>;

/** The error texts Salesforce's Streaming API answers ("Streaming API Error Codes", "Handling Streaming API Errors"). */
export const STREAMING_ERROR = {
  handshakeDenied: '403::Handshake denied',
  authenticationInvalid: '401::Authentication invalid',
  authenticationRequired: '401::Request requires authentication',
  unknownClient: '403::Unknown client',
  dailyLimit: '403::Organization total events daily limit exceeded',
  concurrentLimit: '403::Organization concurrent user limit exceeded',
  noViewAllData: '403::User not allowed to subscribe CDC without View All Data permissions',
  userMismatch: "400::Authenticated user id does not match the session's user id",
  channelNotSpecified: '400::Channel name not specified',
  channelLeadingSlash: "400::Channel subscriptions must start with a leading '/'",
  restrictedChannel: '403::Restricted channel',
  channelDoesNotExist: (channel: string): string =>
    `400::The channel you requested to subscribe to does not exist {${channel}}`,
  invalidConnectionType: (type: string): string => `400::Invalid connection type ${type}`,
  // Two spaces after "invalid." as the live service writes it (clients match on this text).
  invalidReplayId: (replayId: unknown): string =>
    `400::The replayId {${String(replayId)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
  unsupportedVersion: (latest: string): string =>
    `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/${latest}'`,
} as const;

/** The reply skeleton every answer shares: the channel, and the request's `id` echoed. */
export function replyTo(message: BayeuxRequest): BayeuxReply {
  const reply: BayeuxReply = { channel: message.channel };
  if (message.id !== undefined) reply.id = message.id;
  return reply;
}
