import { findRestRoute, matchRestPath, type RestRoute } from './rest-route';

const route = (method: RestRoute['method'], path: string): RestRoute => ({
  method,
  path,
  composite: 'subrequest',
  handle: () => ({ status: 200 }),
});

describe('matchRestPath (as Express matches a route)', () => {
  it.each([
    ['/sobjects/:type/:id', '/sobjects/Task/00T000000000001AAA', { type: 'Task', id: '00T000000000001AAA' }],
    ['/sobjects/:type/deleted', '/sobjects/Task/deleted/', { type: 'Task' }],
    ['/query', '/query/', {}],
    ['/queryAll', '/QUERYALL', {}],
    [
      '/sobjects/:type/:field/:value',
      '/sobjects/Task/SalesConnect_Task_Id__c/sc%2F1',
      { type: 'Task', field: 'SalesConnect_Task_Id__c', value: 'sc/1' },
    ],
  ])('%s matches %s', (pattern, path, params) => {
    expect(matchRestPath(pattern, path)).toEqual(params);
  });

  it.each([
    ['/sobjects/:type/:id', '/sobjects/Task'],
    ['/sobjects/:type/:id', '/sobjects/Task/a/b'],
    ['/sobjects/:type/:id', '/sobjects//x'],
    ['/sobjects/:type/:id', '/sobjects/Task/%E0%A4%A'],
  ])('%s does not match %s', (pattern, path) => {
    expect(matchRestPath(pattern, path)).toBeNull();
  });
});

describe('findRestRoute', () => {
  const routes = [
    route('GET', '/sobjects/:type/describe'),
    route('GET', '/sobjects/:type/:id'),
    route('PATCH', '/sobjects/:type/:id'),
  ];

  it('takes the first route of the method whose path matches, in order', () => {
    expect(findRestRoute(routes, 'GET', '/sobjects/Task/describe')?.route).toBe(routes[0]);
    expect(findRestRoute(routes, 'PATCH', '/sobjects/Task/describe')).toEqual({
      route: routes[2],
      params: { type: 'Task', id: 'describe' },
    });
    expect(findRestRoute(routes, 'DELETE', '/sobjects/Task/x')).toBeUndefined();
  });
});
