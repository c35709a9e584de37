import { describe, expect, it } from 'vitest';
import { apiErrorCodes } from '@baton/client/contract';
import { ApiError, apiErrors, formatMessage } from '../src/errors.ts';

describe('error registry', () => {
  it('has exactly the codes of the contract, with the same statuses', () => {
    expect(Object.keys(apiErrors).sort()).toEqual(Object.keys(apiErrorCodes).sort());
    for (const [code, entry] of Object.entries(apiErrors)) {
      expect(entry.status, code).toBe(apiErrorCodes[code as keyof typeof apiErrorCodes]);
      expect(code).toMatch(/^API_[A-Z_]+$/);
      // Messages say how to fix, so they are full sentences.
      expect(entry.message.length, code).toBeGreaterThan(20);
    }
  });

  it('fills placeholders and builds the HTTP body', () => {
    expect(formatMessage('a {x} b {y}', { x: 1 })).toBe('a 1 b {y}');
    const error = new ApiError('API_MODEL_NOT_FOUND', { key: 'quote' });
    expect(error.toBody()).toEqual({
      statusCode: 404,
      code: 'API_MODEL_NOT_FOUND',
      error: 'Not Found',
      message:
        'Process model "quote" does not exist. List models with GET /api/models or create it with POST /api/models.',
    });
    const withIssues = new ApiError(
      'API_INVALID_DEFINITION',
      { count: 1 },
      { issues: [{ path: '/nodes/0', code: 'DEF_X', message: 'm' }] },
    );
    expect(withIssues.toBody().issues).toHaveLength(1);
  });
});
