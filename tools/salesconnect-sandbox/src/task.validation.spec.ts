import { createTaskSchema, listTasksQuerySchema, updateTaskSchema, validate } from './task.validation';

describe('task validation', () => {
  it('fills the defaults of a minimal create', () => {
    expect(validate(createTaskSchema, { name: 'Call Ana' })).toEqual({
      ok: true,
      value: {
        name: 'Call Ana',
        details: '',
        dueDate: null,
        priority: 'Normal',
        type: 'other',
        contactEmail: null,
        status: 'Open',
      },
    });
  });

  it.each([
    [{}, 'name', 'is required'],
    [{ name: '   ' }, 'name', 'is required'],
    [{ name: 'x'.repeat(501) }, 'name', 'must be at most 500 characters'],
    [{ name: 'a', details: 'x'.repeat(64_001) }, 'details', 'must be at most 64000 characters'],
    [{ name: 'a', dueDate: '2026-02-30' }, 'dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ name: 'a', dueDate: '2023-02-29' }, 'dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ name: 'a', dueDate: '1900-02-29' }, 'dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ name: 'a', dueDate: '2026-13-01' }, 'dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ name: 'a', dueDate: '2026-11-24T10:00:00Z' }, 'dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ name: 'a', priority: 'Low' }, 'priority', 'must be one of Normal, High'],
    [{ name: 'a', type: 'meeting' }, 'type', 'must be one of call, email, other'],
    [{ name: 'a', status: 'In Progress' }, 'status', 'must be one of Open, Complete'],
    [{ name: 'a', contactEmail: 'not-an-email' }, 'contactEmail', 'must be an e-mail address'],
    [{ name: 'a', colour: 'red' }, 'colour', 'is not a known field'],
  ])('create %j names %s', (body, field, message) => {
    expect(validate(createTaskSchema, body)).toEqual({ ok: false, fields: [{ field, message }] });
  });

  it.each(['2024-02-29', '2000-02-29', '0099-12-31', '2026-12-31'])(
    'takes %s as a due date (leap days, early years)',
    (dueDate) => {
      expect(validate(createTaskSchema, { name: 'a', dueDate }).ok).toBe(true);
    },
  );

  it('keeps a 500-character name: longer than Salesforce’s Subject on purpose', () => {
    expect(validate(createTaskSchema, { name: 'x'.repeat(500) }).ok).toBe(true);
  });

  it('a PATCH may not set the status (use /complete and /reopen) and may clear the due date', () => {
    expect(validate(updateTaskSchema, { status: 'Complete' })).toEqual({
      ok: false,
      fields: [{ field: 'status', message: 'is not a known field' }],
    });
    expect(validate(updateTaskSchema, { dueDate: null })).toEqual({ ok: true, value: { dueDate: null } });
  });

  it('coerces and bounds the list query', () => {
    expect(validate(listTasksQuerySchema, { limit: '10', dueFrom: '2026-11-24' })).toEqual({
      ok: true,
      value: { limit: 10, dueFrom: '2026-11-24' },
    });
    expect(validate(listTasksQuerySchema, { limit: '1000' })).toEqual({
      ok: false,
      fields: [{ field: 'limit', message: 'must be at most 200' }],
    });
    expect(validate(listTasksQuerySchema, { updatedSince: 'yesterday' })).toEqual({
      ok: false,
      fields: [{ field: 'updatedSince', message: 'must be an ISO-8601 instant' }],
    });
  });
});
