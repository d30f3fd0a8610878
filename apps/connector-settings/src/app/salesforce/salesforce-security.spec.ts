import { randomBytes } from 'node:crypto';
import { OAuthStateSigner } from './oauth-state';
import { TokenCipher } from './token-cipher';

const key = () => randomBytes(32).toString('base64');

describe('TokenCipher', () => {
  const k1 = key();
  const k2 = key();

  it('seals so the token is not readable, and opens it again', () => {
    const cipher = new TokenCipher(`k1:${k1}`, 'k1');
    const sealed = cipher.seal('5Aep861refresh-token-value');
    expect(sealed).not.toContain('refresh-token-value');
    expect(sealed.startsWith('k1.')).toBe(true);
    expect(cipher.open(sealed)).toBe('5Aep861refresh-token-value');
    expect(cipher.seal('same')).not.toBe(cipher.seal('same')); // a fresh IV every time
  });

  it('opens values sealed with an older key after rotation', () => {
    const old = new TokenCipher(`k1:${k1}`, 'k1').seal('token-a');
    const rotated = new TokenCipher(`k1:${k1},k2:${k2}`, 'k2');
    expect(rotated.open(old)).toBe('token-a');
    expect(rotated.seal('token-b').startsWith('k2.')).toBe(true);
  });

  it('refuses a tampered value and a value whose key is gone', () => {
    const cipher = new TokenCipher(`k1:${k1}`, 'k1');
    const [kid, iv, tag, body] = cipher.seal('token').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.open([kid, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new TokenCipher(`k2:${k2}`, 'k2').open(cipher.seal('token'))).toThrow(/key is unknown/);
  });

  it('refuses keys of the wrong size and an active key it does not hold', () => {
    expect(() => new TokenCipher('k1:c2hvcnQ=', 'k1')).toThrow(/32 bytes/);
    expect(() => new TokenCipher(`k1:${k1}`, 'k9')).toThrow(/not among/);
  });
});

describe('OAuthStateSigner', () => {
  const signer = new OAuthStateSigner('state-secret', 600);
  const who = { tenantId: 't', userId: 'u', nonce: 'attempt-nonce' };

  it('round-trips who started the flow', () => {
    expect(signer.verify(signer.sign(who))).toMatchObject(who);
  });

  it('refuses a forged, tampered, malformed or expired state', () => {
    const state = signer.sign(who);
    expect(new OAuthStateSigner('other-secret', 600).verify(state)).toBeNull();
    const [body, mac] = state.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), userId: 'mallory' })).toString('base64url');
    expect(signer.verify(`${tampered}.${mac}`)).toBeNull();
    expect(signer.verify('not-a-state')).toBeNull();
    expect(signer.verify(state, Date.now() + 601_000)).toBeNull();
  });
});
