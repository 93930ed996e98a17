/**
 * Upper bound: node:http alone. Reads the body, checks X-Hub-Signature-256
 * with the intake's own check (verifyMetaSignature: HMAC-SHA256 of the raw
 * bytes, constant-time compare) and answers 200.
 * No framework, no broker: whatever the intake does beyond this costs
 * throughput. Runs as a forked child; reports its port over IPC.
 *
 * Environment: BENCH_APP_SECRET (the bench tenant's app secret).
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

import { verifyMetaSignature } from '@wahooks/meta-contract';

import { announceListening, requireEnv } from './child-server';

const secrets = [requireEnv('BENCH_APP_SECRET')];
const ACCEPTED = Buffer.from('{"status":"accepted"}');
const REJECTED = Buffer.from('{"code":"INVALID_SIGNATURE"}');

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST' || !req.url?.startsWith('/webhooks/whatsapp/')) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const header = req.headers['x-hub-signature-256'];
    const ok = verifyMetaSignature(Buffer.concat(chunks), typeof header === 'string' ? header : undefined, secrets);
    const body = ok ? ACCEPTED : REJECTED;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
}

const server = createServer({ keepAliveTimeout: 65_000 }, handle);
server.listen(0, '127.0.0.1', () => announceListening('bare-node', server.address()));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
