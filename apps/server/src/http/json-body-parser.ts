import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';

/** The deepest nesting of arrays and objects a JSON body may have. */
export const maxJsonDepth = 100;

/**
 * Returns the nesting depth of JSON text (arrays and objects), stopping early once it exceeds
 * `limit`. Linear, no recursion, so a 10,000-deep body cannot blow the stack.
 */
export function measureJsonDepth(text: string, limit: number = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Replaces Fastify's body parsers with one JSON parser that first refuses bodies nested deeper
 * than {@link maxJsonDepth} (later recursive code such as canonical JSON or validation must not
 * overflow the stack) and then runs Fastify's secure parser, which rejects `__proto__` and
 * `constructor` keys. The `text/plain` parser is removed, so any non-JSON body gets 415.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (measureJsonDepth(text, maxJsonDepth) > maxJsonDepth) {
      done(
        new ApiError('API_MALFORMED_BODY', { reason: `it is nested more than ${maxJsonDepth} levels deep` }),
        undefined,
      );
      return;
    }
    // Fastify's own parser is synchronous: it answers through `done`.
    void secureParse(request, text, done);
  });
}
