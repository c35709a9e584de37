import { describe, expect, it } from 'vitest';
import { parseWsClientMessage } from '../src/contract/index.ts';

const id = '0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4';

describe('parseWsClientMessage', () => {
  it.each([
    ['{"type":"ping"}', { type: 'ping' }],
    ['{"type":"subscribe","topic":"inbox"}', { type: 'subscribe', topic: 'inbox' }],
    ['{"type":"unsubscribe","topic":"inbox"}', { type: 'unsubscribe', topic: 'inbox' }],
    [
      `{"type":"subscribe","topic":"instance","instanceId":"${id.toUpperCase()}"}`,
      { type: 'subscribe', topic: 'instance', instanceId: id },
    ],
    [
      `{"type":"unsubscribe","topic":"instance","instanceId":"${id}"}`,
      { type: 'unsubscribe', topic: 'instance', instanceId: id },
    ],
  ])('accepts %s', (text, message) => {
    expect(parseWsClientMessage(text)).toEqual({ ok: true, message });
  });

  it.each([
    ['', 'not valid JSON'],
    ['{"type":"ping"', 'not valid JSON'],
    ['42', 'JSON object'],
    ['["ping"]', 'JSON object'],
    ['{"type":"ping","id":1}', 'takes no other field (got "id")'],
    ['{"type":"ping","__proto__":{}}', '"__proto__"'],
    ['{}', 'Unknown message type (missing)'],
    ['{"type":"PING"}', 'Unknown message type ("PING")'],
    ['{"type":"subscribe"}', 'Unknown topic'],
    ['{"type":"subscribe","topic":"inbox","instanceId":"x"}', 'takes no other field'],
    ['{"type":"subscribe","topic":"instance"}', 'must be an instance id'],
    ['{"type":"subscribe","topic":"instance","instanceId":42}', 'must be an instance id'],
    [`{"type":"subscribe","topic":"instance","instanceId":"${id}","user":"admin"}`, 'takes only "instanceId"'],
    ['{"type":"subscribe","topic":"instance","instanceId":"\'; drop table users; --"}', 'must be an instance id'],
  ])('refuses %s, saying %s and what to send instead', (text, part) => {
    const result = parseWsClientMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(part);
      expect(result.message).toContain('{"type":"ping"}');
    }
  });

  it('never throws on deeply nested input', () => {
    expect(parseWsClientMessage('['.repeat(60_000)).ok).toBe(false);
  });
});
