import {
  lookupReference,
  referencesIn,
  resolveReferencesInBody,
  resolveReferencesInText,
  UnresolvedReferenceError,
  type ReferenceValues,
} from './composite-reference';

const values: ReferenceValues = new Map<string, unknown>([
  ['refTask', { id: '00T000000000001AAA', success: true, errors: [] }],
  [
    'refQuery',
    {
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: { type: 'Task' },
          Id: '00T000000000002AAA',
          WhoId: null,
          IsClosed: false,
          CallDurationInSeconds: 60,
        },
        { Id: '00T000000000003AAA' },
      ],
    },
  ],
]);

describe('Composite references', () => {
  it.each([
    ['refTask.id', '00T000000000001AAA'],
    ['refQuery.records[0].Id', '00T000000000002AAA'],
    ['refQuery.records[1].Id', '00T000000000003AAA'],
    ['refQuery.totalSize', 2],
    ['refQuery.records[0].IsClosed', false],
    ['refQuery.records[0].WhoId', null],
  ])('@{%s} is %p', (expression, value) => {
    expect(lookupReference(expression, values)).toBe(value);
  });

  it.each([
    ['refTask.Id', 'refTask'], // case-sensitive: a create answers `id`
    ['refQuery.records[2].Id', 'refQuery'],
    ['refQuery.records', 'refQuery'], // a collection is not a referenceable value
    ['refQuery.records[0].attributes', 'refQuery'],
    ['refLater.id', 'refLater'],
    ['refTask..id', 'refTask'],
  ])('@{%s} has no value', (expression, referenceId) => {
    const error = (() => {
      try {
        lookupReference(expression, values);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UnresolvedReferenceError);
    expect(error).toMatchObject({ expression, referenceId });
  });

  it('lists the references a url or body holds, each once', () => {
    expect(referencesIn({ WhatId: '@{a.id}', nested: ['x @{b.records[0].Id} y', '@{a.id}'], n: 1 })).toEqual([
      { expression: 'a.id', referenceId: 'a' },
      { expression: 'b.records[0].Id', referenceId: 'b' },
    ]);
    expect(referencesIn('/services/data/v62.0/sobjects/Task/@{refTask.id}')).toEqual([
      { expression: 'refTask.id', referenceId: 'refTask' },
    ]);
  });

  it('puts values into a url as text', () => {
    expect(
      resolveReferencesInText("/services/data/v62.0/query?q=SELECT Id FROM Task WHERE Id = '@{refTask.id}'", values),
    ).toBe("/services/data/v62.0/query?q=SELECT Id FROM Task WHERE Id = '00T000000000001AAA'");
  });

  it('keeps a whole-string reference typed in a body, and makes one inside text text', () => {
    expect(
      resolveReferencesInBody(
        {
          Subject: 'About @{refTask.id}',
          CallDurationInSeconds: '@{refQuery.records[0].CallDurationInSeconds}',
          WhoId: '@{refQuery.records[0].WhoId}',
          n: 3,
          list: ['@{refQuery.totalSize}'],
        },
        values,
      ),
    ).toEqual({
      Subject: 'About 00T000000000001AAA',
      CallDurationInSeconds: 60,
      WhoId: null,
      n: 3,
      list: [2],
    });
  });
});
