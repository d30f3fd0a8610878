import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Each value names the key that sealed it (`kid.iv.tag.ciphertext`), so old values still open after a rotation. */
export class TokenCipher {
  private readonly keys: Map<string, Buffer>;

  /** `keys`: `kid:base64key,kid:base64key`; each key 32 bytes. */
  constructor(keys: string, private readonly activeKeyId: string) {
    this.keys = new Map(
      keys.split(',').map((entry) => {
        const [kid, b64] = entry.split(':');
        const key = Buffer.from(b64 ?? '', 'base64');
        if (!kid || key.length !== 32) throw new Error(`token key ${kid || '(unnamed)'} must be 32 bytes, base64`);
        return [kid, key];
      }),
    );
    if (!this.keys.has(activeKeyId)) throw new Error(`the active token key ${activeKeyId} is not among the keys`);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId) as Buffer, iv);
    cipher.setAAD(Buffer.from(this.activeKeyId));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [this.activeKeyId, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const [kid, iv, tag, body] = sealed.split('.');
    const key = this.keys.get(kid ?? '');
    if (!key || !iv || !tag || body === undefined) throw new Error('sealed token is malformed or its key is unknown');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
