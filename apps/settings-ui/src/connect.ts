import type { Connection, Environment } from './api/types';

export interface ConnectBody {
  environment: Environment;
  myDomain?: string;
  startOver?: boolean;
}

/** Connect signs in where the user picked. */
export const pickedLogin = (environment: Environment, myDomain: string): ConnectBody =>
  environment === 'my-domain' ? { environment, myDomain } : { environment };

/** Reconnect and Start over sign in again where the connection was made. */
export const keptLogin = (c: Connection): ConnectBody =>
  c.salesforce.environment === 'my-domain'
    ? { environment: 'my-domain', myDomain: c.salesforce.loginHost }
    : { environment: c.salesforce.environment };
