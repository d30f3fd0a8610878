import { buildOpenApiDocument } from './openapi';

type Doc = {
  paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
};

describe('OpenAPI: the import preview, the delete-window watchdog and the admin view', () => {
  const doc = buildOpenApiDocument() as Doc;

  it.each([
    ['/v1/connections/{id}/import-preview', ['id']],
    ['/v1/admin/orgs', ['limit']],
    ['/v1/admin/orgs/{orgId}/reps', ['orgId', 'offset', 'limit']],
  ])('describes GET %s with its parameters', (path, params) => {
    const get = doc.paths[path]?.get;
    expect(get?.parameters?.map((p) => p.name)).toEqual(params);
    expect(get?.responses).toHaveProperty('200');
  });

  it("R5: the status's deleteWindow is described", () => {
    const status = doc.paths['/v1/connections/{id}/status'].get.responses['200'] as {
      content: { 'application/json': { schema: { properties: Record<string, unknown> } } };
    };
    expect(status.content['application/json'].schema.properties['deleteWindow']).toMatchObject({
      required: ['disabledAt', 'closesAt', 'warning', 'closed'],
    });
  });
});
