import type { FastifyInstance } from 'fastify';

const WEBHOOK_PATH = /^\/webhooks\//;

/** JSON media types, parameters (charset…) allowed; the fast path and the admission hook take the same ones. */
export const JSON_MEDIA_TYPE = /^application\/([a-z.+-]*\+)?json\s*(;.*)?$/i;

/**
 * Webhook bodies must reach the handler as the exact bytes Meta signed (a
 * parse/re-serialize round trip changes them), so application/json is read
 * as a Buffer on webhook routes and parsed as usual elsewhere (no other route
 * of the Meta-facing app takes a body: the admin API is on the private app).
 * Every other content type is refused with 415 by Fastify, and bodies over
 * the limit with 413, before any handler runs.
 */
export function configureBodyParsing(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    // Fastify matches a RegExp against the whole header.
    JSON_MEDIA_TYPE,
    { parseAs: 'buffer', bodyLimit },
    (req: { url: string }, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      if (WEBHOOK_PATH.test(req.url)) return done(null, body);
      if (body.length === 0) return done(null, {});
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch {
        const error = new Error('body is not valid JSON') as Error & { statusCode: number };
        error.statusCode = 400;
        done(error, undefined);
      }
    },
  );
}
