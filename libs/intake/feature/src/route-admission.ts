import { Readable, Transform } from 'node:stream';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { RawRoute } from '@wahooks/events-contract';
import type { ResolvedTenant } from '@wahooks/tenancy';

import { JSON_MEDIA_TYPE } from './body-parsing';
import { BodyLease, InflightBudget, InflightBudgetExhausted } from './inflight-budget';
import { INTERNAL_FAILURE, IntakeOutcome, MEMORY_EXHAUSTED, UNKNOWN_TENANT } from './intake.types';
import { outcomeResponse } from './outcome-response';
import type { WebhookIntakeService } from './webhook-intake.service';

interface Admitted {
  lease: BodyLease;
  /** The handler has the body: from now on the bytes are released when the service answers, not when the client leaves. */
  handedOver: boolean;
  tenant: string;
  route: RawRoute;
}

type Params = { tenantId?: string };

/**
 * What the fast path does before reading a body, for the requests it leaves
 * to the Fastify routes (chunked bodies, odd content types, oversize
 * declarations): the tenant looked up first (404 unread), then the bytes
 * admitted into the same in-flight budget: a declared Content-Length up
 * front, a chunked body chunk by chunk as it arrives (503 `memory` when the
 * budget runs out; Fastify's own 413 past the body limit stays as it was).
 * Fastify's 415 and declared-413, which read no body either, still come
 * first (the documented order). A `preParsing` hook runs after routing and
 * before the body is read.
 */
export class RouteAdmission {
  private readonly admitted = new WeakMap<FastifyRequest, Admitted>();

  constructor(
    private readonly intake: WebhookIntakeService,
    private readonly budget: InflightBudget,
    private readonly bodyLimit: number,
  ) {}

  readonly preParsing = (request: FastifyRequest, reply: FastifyReply, payload: Readable, done: (err: Error | null, payload?: Readable) => void): void => {
    const declared = request.headers['content-length'];
    const length = declared === undefined ? undefined : Number(declared);
    // Over the limit: Fastify answers 413 without reading it (the same test as its own), and nothing is held.
    if (length !== undefined && length > this.bodyLimit) return done(null);
    const tenantId = (request.params as Params).tenantId;
    const route: RawRoute = tenantId === undefined ? 'platform-url' : 'tenant-url';
    // A content type Fastify refuses is answered 415 unread before the tenant matters, as it always was.
    // Its bytes are admitted all the same: whatever this test and Fastify's parser disagree on stays bounded.
    const type = request.headers['content-type'];
    if (type === undefined || !JSON_MEDIA_TYPE.test(type)) return this.admitBytes(request, reply, payload, length, 'unknown', route, done);
    if (tenantId === undefined) {
      if (this.intake.platformEnabled) this.admitBytes(request, reply, payload, length, 'platform', route, done);
      else refuse(reply, this.intake.refuseUnread('unknown', route, UNKNOWN_TENANT));
      return;
    }
    const found = this.intake.tenantFor(tenantId);
    const next = (tenant: ResolvedTenant | undefined): void => {
      if (tenant === undefined) refuse(reply, this.intake.refuseUnread('unknown', route, UNKNOWN_TENANT));
      else this.admitBytes(request, reply, payload, length, tenant.id, route, done);
    };
    if (!(found instanceof Promise)) next(found);
    else {
      found.then(next, (error: unknown) => {
        request.log.error({ err: error, tenant: tenantId }, 'tenant lookup failed unexpectedly; answering 503');
        refuse(reply, INTERNAL_FAILURE);
      });
    }
  };

  /** Route-level error handler: a chunked body that ran into the budget; every other error as Fastify answers it. */
  readonly errorHandler = (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    const admitted = this.admitted.get(request);
    if (!(error instanceof InflightBudgetExhausted) || !admitted) throw error;
    refuse(reply, this.intake.refuseUnread(admitted.tenant, admitted.route, MEMORY_EXHAUSTED));
  };

  /** Runs the handler's work holding the request's bytes until it has answered (even if the client left meanwhile). */
  async hold(request: FastifyRequest, work: () => Promise<IntakeOutcome>): Promise<IntakeOutcome> {
    const admitted = this.admitted.get(request);
    if (admitted) admitted.handedOver = true;
    try {
      return await work();
    } finally {
      admitted?.lease.release();
    }
  }

  /** `tenant`: a metric label, so only a tenant the directory knows (or `platform`, `unknown`): never the URL's id. */
  private admitBytes(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: Readable,
    length: number | undefined,
    tenant: string,
    route: RawRoute,
    done: (err: Error | null, payload?: Readable) => void,
  ): void {
    // Gone while its tenant was looked up: no 'close' is coming to release anything.
    if (request.raw.destroyed) return;
    const lease = new BodyLease(this.budget);
    if (length !== undefined && !lease.grow(length)) {
      refuse(reply, this.intake.refuseUnread(tenant, route, MEMORY_EXHAUSTED));
      return;
    }
    const admitted: Admitted = { lease, handedOver: false, tenant, route };
    this.admitted.set(request, admitted);
    // Answered, aborted, timed out or refused before the handler had the body: released here; after, by `hold`.
    reply.raw.once('close', () => {
      if (!admitted.handedOver) lease.release();
    });
    // A response queued behind a pipelined one never closes if the socket dies first; its request does.
    request.raw.once('close', () => {
      if (!request.raw.complete) lease.release();
    });
    done(null, length === undefined ? counted(payload, lease) : payload);
  }
}

/** A chunked body, its bytes admitted as they arrive; past the budget the stream fails with InflightBudgetExhausted. */
function counted(payload: Readable, lease: BodyLease): Readable {
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      // Already answered (Fastify's 413 mid-body): the rest is discarded as it arrives, not held, so not counted.
      if (lease.released) return callback();
      if (lease.grow(chunk.length)) return callback(null, chunk);
      callback(new InflightBudgetExhausted());
    },
  });
  // Not `pipeline`: it would destroy the request, and with it the socket the 503 is to be written to.
  payload.on('error', (error) => out.destroy(error));
  payload.pipe(out);
  return out;
}

/** Answered before the body was read (or all of it): `Connection: close`, or the client would go on sending it. */
function refuse(reply: FastifyReply, outcome: IntakeOutcome): void {
  const { status, headers, body } = outcomeResponse(outcome);
  reply.code(status).headers(headers).header('connection', 'close').send(body);
}
