import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { decodeEvent, encodeEvent, tryDecodeEvent } from '../codec';
import { MessageDecodeError } from '../decode-error';
import { KAFKA_TOPICS } from '../topics';
import { CONNECTION_STATUS_CHANGED, ConnectionStatusChanged } from './connection-status-changed.event';
import { SALESCONNECT_TASK_CHANGED, SFDC_TASK_CHANGED, SfdcTaskChanged } from './task-changed.event';

const upsert = (overrides: Partial<SfdcTaskChanged> = {}): SfdcTaskChanged =>
  ({
    eventId: randomUUID(),
    type: SFDC_TASK_CHANGED,
    occurredAt: '2026-11-24T10:00:00.000Z',
    connectionId: 'conn-1',
    kind: 'upsert',
    taskId: '00T000000000001AAA',
    fields: {
      title: 'Call Ana',
      details: '',
      dueDate: '2026-11-25',
      open: true,
      priority: null,
      type: 'call',
      contactEmail: null,
    },
    changedAt: '2026-11-24T09:59:00.000Z',
    createdAt: '2026-11-24T09:00:00.000Z',
    origin: null,
    source: 'live',
    externalId: null,
    ...overrides,
  }) as SfdcTaskChanged;

function decodeErrorOf(value: string, topic?: string): MessageDecodeError {
  const result = tryDecodeEvent(value, topic);
  if (result.ok) throw new Error('expected a MessageDecodeError');
  return result.error;
}

describe('task change events', () => {
  it('round-trip for any synced fields, on their own topic', () => {
    const fieldsArb = fc.record({
      title: fc.string({ maxLength: 300 }),
      details: fc.string({ maxLength: 100 }),
      dueDate: fc.option(
        fc
          .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        { nil: null },
      ),
      open: fc.boolean(),
      priority: fc.constantFrom('normal' as const, 'high' as const, null),
      type: fc.constantFrom('call' as const, 'email' as const, 'other' as const),
      contactEmail: fc.option(fc.emailAddress(), { nil: null }),
    });
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const event = upsert({ fields: fields as SfdcTaskChanged['fields'] });
        expect(decodeEvent(encodeEvent(SFDC_TASK_CHANGED, event), KAFKA_TOPICS.sfdcTaskChanges)).toEqual(event);
      }),
    );
  });

  it.each([
    ['an impossible due date', { fields: { ...upsert().fields, dueDate: '2026-02-30' } }, /fields\.dueDate/],
    ['a delete that carries fields', { kind: 'delete' }, /fields: a delete carries no fields/],
    ['an upsert without fields', { fields: null }, /fields: a delete carries no fields/],
    ['an import that does not name its enable', { source: 'import' }, /enableAt/],
    ['an unknown priority', { fields: { ...upsert().fields, priority: 'low' } }, /fields\.priority/],
  ])('names what is wrong in %s', (_label, overrides, message) => {
    const error = decodeErrorOf(JSON.stringify({ ...upsert(), ...overrides }));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.details).toMatch(message);
  });

  it("carries a Salesforce task's owner when the read names it (R8), and decodes events published before the field existed", () => {
    const withOwner = upsert({ ownerId: '005000000000001AAA' });
    expect(decodeEvent(encodeEvent(SFDC_TASK_CHANGED, withOwner), KAFKA_TOPICS.sfdcTaskChanges)).toEqual(withOwner);
    const before = upsert();
    expect(decodeEvent(encodeEvent(SFDC_TASK_CHANGED, before), KAFKA_TOPICS.sfdcTaskChanges)).not.toHaveProperty(
      'ownerId',
    );
    expect(decodeErrorOf(JSON.stringify({ ...withOwner, ownerId: 5 }), KAFKA_TOPICS.sfdcTaskChanges).message).toMatch(
      /ownerId/,
    );
  });

  it('keeps each side on its own topic', () => {
    const value = JSON.stringify({ ...upsert(), type: SALESCONNECT_TASK_CHANGED, externalId: undefined });
    expect(decodeErrorOf(value, KAFKA_TOPICS.sfdcTaskChanges).code).toBe('UNEXPECTED_EVENT_TYPE');
    expect(decodeEvent(value, KAFKA_TOPICS.salesconnectTaskChanges).type).toBe(SALESCONNECT_TASK_CHANGED);
  });
});

describe('connection status events', () => {
  const status: ConnectionStatusChanged = {
    eventId: randomUUID(),
    type: CONNECTION_STATUS_CHANGED,
    occurredAt: '2026-11-24T10:00:00.000Z',
    connectionId: 'conn-1',
    reportedBy: 'sfdc-ingest',
    state: 'importing',
    import: { enableAt: '2026-11-24T09:59:00.000Z', found: 120, imported: 80, failed: 1, done: false },
    apiUsage: { used: 12, limit: 15000 },
  };

  it('round-trips import progress and API usage', () => {
    expect(decodeEvent(encodeEvent(CONNECTION_STATUS_CHANGED, status), KAFKA_TOPICS.connectionStatus)).toEqual(status);
  });

  it('rejects an unknown state and negative counts, naming them', () => {
    const error = decodeErrorOf(
      JSON.stringify({ ...status, state: 'sleeping', import: { ...status.import, found: -1 } }),
    );
    expect(error.details).toMatch(/state/);
    expect(error.details).toMatch(/import\.found/);
  });
});
