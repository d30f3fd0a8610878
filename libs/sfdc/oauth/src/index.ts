export * from './lib/salesforce-oauth.client';
