import { describe, expect, it } from 'vitest';
import { findWsToken } from './find-ws-token.ts';
import { isOriginAllowed, parseAllowedOrigins } from './ws-origin.ts';

describe('isOriginAllowed', () => {
  const strict = { allowed: ['https://app.example.com', 'http://designer.test:*'], allowLocal: false };
  const dev = { allowed: [], allowLocal: true };

  it('allows handshakes without Origin (non-browser clients) and from the same host', () => {
    expect(isOriginAllowed(undefined, 'baton.example', strict)).toBe(true);
    expect(isOriginAllowed('https://baton.example', 'baton.example', strict)).toBe(true);
    expect(isOriginAllowed('http://BATON.example:8080', 'baton.example:8080', strict)).toBe(true);
    expect(isOriginAllowed('http://baton.example:8081', 'baton.example:8080', strict)).toBe(false);
  });

  it('allows listed origins, with a port wildcard', () => {
    expect(isOriginAllowed('https://app.example.com', 'api.example.com', strict)).toBe(true);
    expect(isOriginAllowed('http://app.example.com', 'api.example.com', strict)).toBe(false);
    expect(isOriginAllowed('http://designer.test:5173', 'api.example.com', strict)).toBe(true);
    expect(isOriginAllowed('https://designer.test:5173', 'api.example.com', strict)).toBe(false);
  });

  it('allows local origins only in development', () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      expect(isOriginAllowed(origin, 'api.example.com', dev), origin).toBe(true);
      expect(isOriginAllowed(origin, 'api.example.com', strict), origin).toBe(false);
    }
  });

  it('refuses null, look-alike hosts and non-http schemes', () => {
    for (const origin of [
      'null',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
      'file://',
      'chrome-extension://abc',
      'garbage',
    ]) {
      expect(isOriginAllowed(origin, 'api.example.com', dev), origin).toBe(false);
    }
  });
});

describe('parseAllowedOrigins', () => {
  it('splits on commas and spaces', () => {
    expect(parseAllowedOrigins(undefined)).toEqual([]);
    expect(parseAllowedOrigins(' https://a.example, http://localhost:* https://b.example:8443 ')).toEqual([
      'https://a.example',
      'http://localhost:*',
      'https://b.example:8443',
    ]);
  });

  it('names an entry that is not an origin and the expected form', () => {
    expect(() => parseAllowedOrigins('https://a.example/path')).toThrow(
      /"https:\/\/a\.example\/path" is not an origin\. Use scheme:\/\/host\[:port\]/,
    );
    expect(() => parseAllowedOrigins('a.example')).toThrow(/"a\.example" is not an origin/);
  });
});

describe('findWsToken', () => {
  it('reads a bearer header, or the bearer subprotocol next to baton.v1', () => {
    expect(findWsToken({ authorization: 'Bearer abc.def.ghi' }, '/api/ws')).toEqual({
      ok: true,
      token: 'abc.def.ghi',
      source: 'header',
    });
    expect(findWsToken({ 'sec-websocket-protocol': 'baton.v1, baton.bearer.abc.def.ghi' }, '/api/ws')).toEqual({
      ok: true,
      token: 'abc.def.ghi',
      source: 'protocol',
    });
  });

  it('explains what is missing', () => {
    expect(findWsToken({}, '/api/ws')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('carries no token') as string,
    });
    expect(findWsToken({ authorization: 'Basic eA==' }, '/api/ws')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Bearer <token>') as string,
    });
    expect(findWsToken({ 'sec-websocket-protocol': 'baton.bearer.abc' }, '/api/ws')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('offer both') as string,
    });
    expect(findWsToken({ 'sec-websocket-protocol': 'baton.v1, baton.bearer.' }, '/api/ws')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no token') as string,
    });
    expect(findWsToken({}, '/api/ws?token=abc')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('URLs are logged') as string,
    });
  });
});
