import {
  CreateOutboxMessage1764000000001,
  CreateProcessedMessage1764000000000,
} from '@task-sync/data-access-messaging';
import {
  AddSealedAccessToken1764000000203,
  AddConnectionLogin1764000000227,
  AddSealedRefreshToken1764000000201,
  CreateConnection1764000000200,
  OneConnectionPerUser1764000000222,
  RepublishLatestSettingChange1764000000207,
} from './connections/migrations';
import {
  AddConnectAttemptPurpose1764000000205,
  AddConnectAttemptStartOver1764000000223,
  CreateConnectAttempt1764000000204,
} from './salesforce/migrations';
import { AddOrgReaderStreamState1764000000209, CreateOrgReader1764000000206 } from './org-reader/migrations';
import { CreateOrgApiCalls1764000000208 } from './api-allocation/migrations';
import { CreateConnectionPreflight1764000000230 } from './connection-preflight/migrations';
import {
  AddFailedTaskSubject1764000000240,
  CreateConnectionStatus1764000000202,
  CreateFailedTask1764000000221,
} from './status/migrations';

/** The service's schema, in the order it is built (the outbox and processed-message tables first). */
export const CONNECTOR_SETTINGS_MIGRATIONS = [
  CreateOutboxMessage1764000000001,
  CreateProcessedMessage1764000000000,
  CreateConnection1764000000200,
  AddSealedRefreshToken1764000000201,
  CreateConnectionStatus1764000000202,
  AddSealedAccessToken1764000000203,
  CreateConnectAttempt1764000000204,
  AddConnectAttemptPurpose1764000000205,
  CreateOrgReader1764000000206,
  RepublishLatestSettingChange1764000000207,
  CreateOrgApiCalls1764000000208,
  AddOrgReaderStreamState1764000000209,
  CreateFailedTask1764000000221,
  OneConnectionPerUser1764000000222,
  AddConnectAttemptStartOver1764000000223,
  AddConnectionLogin1764000000227,
  CreateConnectionPreflight1764000000230,
  AddFailedTaskSubject1764000000240,
];
