export * from './lib/salesforce-oauth.client';
export * from './lib/salesforce-login';
