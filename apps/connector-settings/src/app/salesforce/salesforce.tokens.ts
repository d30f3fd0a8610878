/** Injection token for the connect flow's settings. */
export const CONNECT_FLOW = Symbol('CONNECT_FLOW');
export interface ConnectFlowSettings {
  settingsPageUrl: string;
  /** This service's callback URL (OAUTH_REDIRECT_URL): HTTPS there makes the connect cookie Secure. */
  callbackUrl: string;
  /** How long a connect attempt may take, from "Connect Salesforce" to Salesforce's callback. */
  ttlSeconds: number;
}
