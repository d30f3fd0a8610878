import { CreateProcessedMessage1764000000000 } from '@task-sync/data-access-messaging';
import {
  AddSalesforceIdentityToConnectionSetting1764000000101,
  CreateConnectionSetting1764000000100,
} from './migrations';
import { SettingsChangesConsumer } from './settings-changes.consumer';

/** What a service that follows the settings topic adds to its schema and its handlers (its tables are read and written by typed SQL). */
export const settingsProjection = {
  migrations: [
    CreateProcessedMessage1764000000000,
    CreateConnectionSetting1764000000100,
    AddSalesforceIdentityToConnectionSetting1764000000101,
  ],
  consumers: [SettingsChangesConsumer],
};
