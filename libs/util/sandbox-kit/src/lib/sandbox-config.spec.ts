import { z } from 'zod';
import { loadSandboxConfig } from './sandbox-config';

const schema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).default(8600),
  SANDBOX_TZ: z.string().min(3).default('UTC'),
});

describe('loadSandboxConfig', () => {
  it('takes an empty variable for unset, so the default applies', () => {
    expect(loadSandboxConfig(schema, { SANDBOX_PORT: '', SANDBOX_TZ: undefined, OTHER: 'x' })).toEqual({
      SANDBOX_PORT: 8600,
      SANDBOX_TZ: 'UTC',
    });
  });

  it('names every bad variable in one error', () => {
    expect(() => loadSandboxConfig(schema, { SANDBOX_PORT: 'abc', SANDBOX_TZ: 'x' })).toThrow(
      /SANDBOX_PORT[\s\S]*SANDBOX_TZ/,
    );
  });
});
