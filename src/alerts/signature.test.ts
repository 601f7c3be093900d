import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature.js';

const body = '{"event":"segtrack.alert","n":1}';
// printf '%s' '1714550400.{"event":"segtrack.alert","n":1}' | openssl dgst -sha256 -hmac 'whsec-test'
const OPENSSL = 'sha256=366f38e0ee69ef6ca9e9636c46829728acedb1a912c72f6f201c7c091da29320';

describe('webhook signatures', () => {
  it('matches OpenSSL’s HMAC-SHA-256 over "<timestamp>.<body>"', () => {
    expect(signBody('whsec-test', 1714550400, body)).toBe(OPENSSL);
  });

  it('verifies a fresh request and refuses a changed body, a wrong key, a replay and a missing header', () => {
    const at = { nowSeconds: 1714550400 + 10 };
    const ok = { timestamp: '1714550400', signature: OPENSSL, body };
    expect(verifySignature('whsec-test', ok, at)).toBe(true);
    expect(verifySignature('whsec-test', { ...ok, body: body.replace('1', '2') }, at)).toBe(false);
    expect(verifySignature('other', ok, at)).toBe(false);
    expect(verifySignature('whsec-test', ok, { nowSeconds: 1714550400 + 301 })).toBe(false);
    expect(verifySignature('whsec-test', { ...ok, timestamp: '1714550401' }, at)).toBe(false);
    expect(verifySignature('whsec-test', { ...ok, signature: undefined }, at)).toBe(false);
    expect(verifySignature('whsec-test', { ...ok, timestamp: 'soon' }, at)).toBe(false);
  });
});
