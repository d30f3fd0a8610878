#!/usr/bin/env node
// Prints the Secrets the manifests reference, as YAML for `kubectl apply -f -`, from environment
// variables: nothing is generated (a new TOKEN_ENCRYPTION_KEYS would make every stored Salesforce
// token unreadable), nothing is written to disk, and nothing secret lives in the repository.
//
//   node docker/k8s/scripts/make-secrets.js | kubectl apply -n task-sync -f -
//
// It asks for the lengths production asks for (overlays/prod sets DEPLOYMENT_ENV=production): 32+
// characters for our own secrets and tokens, 16+ for the vendor-issued ones. The services themselves
// also refuse, at start, a secret that is still a development default from the repository.
//
// Variables (docker/k8s/README.md says where each comes from and how to make one):
//   DATABASE_URL                     all four services, or one each:
//   CONNECTOR_SETTINGS_DATABASE_URL, SFDC_INGEST_DATABASE_URL, SALESCONNECT_INGEST_DATABASE_URL, RECONCILER_DATABASE_URL
//   JWT_SECRET, OAUTH_STATE_SECRET   32+ characters each
//   TOKEN_ENCRYPTION_KEYS            kid:base64(32 bytes)[,kid:base64(32 bytes)…]
//   TOKEN_ENCRYPTION_KEY_ID          the kid that seals new tokens (one of the above)
//   SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET    the connected app's consumer key and secret (16+)
//   SFDC_INGEST_INTERNAL_TOKEN, RECONCILER_INTERNAL_TOKEN, SALESCONNECT_INGEST_INTERNAL_TOKEN   32+ characters each
//   RECONCILER_OPERATOR_TOKEN        32+ characters: opens the reconciler's internal routes (drift repair on demand)
//   SALESCONNECT_APP_TOKEN, SALESCONNECT_WEBHOOK_SECRET     16+ characters each
//   POSTGRES_PASSWORD                optional: also prints postgres-credentials (overlays/dev's PostgreSQL)
'use strict';

const SERVICES = ['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler'];

function envName(service) {
  return `${service.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`;
}

/**
 * The Secret objects (name → { KEY: value }) for an environment, or the list of what is missing or
 * malformed. Keys are the config schemas' variable names, as the Deployments' secretKeyRefs expect.
 */
function buildSecrets(env) {
  const problems = [];
  const need = (name, check, message) => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set`);
    else if (check && !check(value)) problems.push(`${name}: ${message}`);
    return value;
  };
  const atLeast = (n) => (v) => v.length >= n;
  const database = {};
  for (const service of SERVICES) {
    const name = env[envName(service)] ? envName(service) : 'DATABASE_URL';
    database[service] = need(name, (v) => /^postgres(ql)?:\/\//.test(v), 'expected postgres://…');
  }
  const keys = need(
    'TOKEN_ENCRYPTION_KEYS',
    (v) => v.split(',').every((k) => /^[^:,\s]+:[A-Za-z0-9+/]{43}=$/.test(k.trim())),
    'expected kid:base64(32 bytes),…',
  );
  const keyId = need(
    'TOKEN_ENCRYPTION_KEY_ID',
    (v) => (keys ?? '').split(',').some((k) => k.trim().split(':')[0] === v),
    'must be one of the kids in TOKEN_ENCRYPTION_KEYS',
  );
  const sfdcToken = need('SFDC_INGEST_INTERNAL_TOKEN', atLeast(32), 'use 32+ characters');
  const reconcilerToken = need('RECONCILER_INTERNAL_TOKEN', atLeast(32), 'use 32+ characters');
  const salesConnectIngestToken = need('SALESCONNECT_INGEST_INTERNAL_TOKEN', atLeast(32), 'use 32+ characters');
  const appToken = need('SALESCONNECT_APP_TOKEN', atLeast(16), 'use 16+ characters');
  const operatorToken = need('RECONCILER_OPERATOR_TOKEN', atLeast(32), 'use 32+ characters');
  const secrets = {
    'connector-settings-secrets': {
      DATABASE_URL: database['connector-settings'],
      JWT_SECRET: need('JWT_SECRET', atLeast(32), 'use 32+ characters'),
      OAUTH_STATE_SECRET: need('OAUTH_STATE_SECRET', atLeast(32), 'use 32+ characters'),
      SALESFORCE_CLIENT_ID: need('SALESFORCE_CLIENT_ID'),
      SALESFORCE_CLIENT_SECRET: need('SALESFORCE_CLIENT_SECRET', atLeast(16), 'use 16+ characters'),
      TOKEN_ENCRYPTION_KEYS: keys,
      TOKEN_ENCRYPTION_KEY_ID: keyId,
      // The callers' tokens, by the name each one is allowed as.
      INTERNAL_SERVICE_TOKENS: `sfdc-ingest:${sfdcToken},reconciler:${reconcilerToken},salesconnect-ingest:${salesConnectIngestToken}`,
    },
    'sfdc-ingest-secrets': {
      DATABASE_URL: database['sfdc-ingest'],
      INTERNAL_SERVICE_TOKEN: sfdcToken,
    },
    'salesconnect-ingest-secrets': {
      DATABASE_URL: database['salesconnect-ingest'],
      SALESCONNECT_APP_TOKEN: appToken,
      SALESCONNECT_WEBHOOK_SECRET: need('SALESCONNECT_WEBHOOK_SECRET', atLeast(16), 'use 16+ characters'),
      INTERNAL_SERVICE_TOKEN: salesConnectIngestToken,
    },
    'reconciler-secrets': {
      DATABASE_URL: database.reconciler,
      INTERNAL_SERVICE_TOKEN: reconcilerToken,
      SALESCONNECT_APP_TOKEN: appToken,
      OPERATOR_TOKEN: operatorToken,
    },
  };
  if (env.POSTGRES_PASSWORD) secrets['postgres-credentials'] = { POSTGRES_PASSWORD: env.POSTGRES_PASSWORD };
  return problems.length ? { problems } : { secrets };
}

/** Kubernetes Secret manifests; values as stringData, quoted as JSON strings (valid YAML scalars). */
function toYaml(secrets) {
  return Object.entries(secrets)
    .map(([name, data]) =>
      [
        'apiVersion: v1',
        'kind: Secret',
        'type: Opaque',
        'metadata:',
        `  name: ${name}`,
        '  labels:',
        '    app.kubernetes.io/part-of: task-sync',
        'stringData:',
        ...Object.entries(data).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
      ].join('\n'),
    )
    .join('\n---\n');
}

if (require.main === module) {
  const result = buildSecrets(process.env);
  if (result.problems) {
    process.stderr.write(`make-secrets: nothing printed:\n  - ${result.problems.join('\n  - ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${toYaml(result.secrets)}\n`);
}

module.exports = { buildSecrets, toYaml };
