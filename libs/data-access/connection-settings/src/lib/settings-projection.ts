import { CreateProcessedMessage1764000000000, ProcessedMessageEntity } from '@task-sync/data-access-messaging';
import { ConnectionSettingChangeEntity, ConnectionSettingEntity } from './connection-setting.entity';
import {
  AddSalesforceIdentityToConnectionSetting1764000000101,
  CreateConnectionSetting1764000000100,
} from './migrations';
import { SettingsChangesConsumer } from './settings-changes.consumer';

/** What a service that follows the settings topic adds to its schema and its handlers. */
export const settingsProjection = {
  entities: [ProcessedMessageEntity, ConnectionSettingEntity, ConnectionSettingChangeEntity],
  migrations: [
    CreateProcessedMessage1764000000000,
    CreateConnectionSetting1764000000100,
    AddSalesforceIdentityToConnectionSetting1764000000101,
  ],
  consumers: [SettingsChangesConsumer],
};
