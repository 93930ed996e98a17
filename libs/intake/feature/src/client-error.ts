import type { Socket } from 'node:net';

const raw = (status: string, headers: string, body: string): string =>
  `HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n${headers}\r\n${body}`;

/**
 * Fastify's `clientErrorHandler` for the intake's server: what a request that
 * never became a request gets (node:http's 'clientError'). Fastify answers a
 * request not received within `requestTimeout` with 408, a 4xx, which Meta
 * drops for good. The intake sees that mostly when it is the slow side (an
 * overloaded pod reads bodies late), so it answers 503 with Retry-After and
 * Meta delivers again. Malformed HTTP stays 400, oversized headers 431, as
 * Fastify answers them.
 */
export function intakeClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let response: string;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    response = raw('503 Service Unavailable', 'Retry-After: 1\r\n', '{"error":"Service Unavailable","code":"REQUEST_TIMEOUT","message":"the request was not received in time; retry","statusCode":503}');
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    response = raw('431 Request Header Fields Too Large', '', '{"error":"Request Header Fields Too Large","message":"Exceeded maximum allowed HTTP header size","statusCode":431}');
  } else {
    response = raw('400 Bad Request', '', '{"error":"Bad Request","message":"Client Error","statusCode":400}');
  }
  if (socket.writable) socket.write(response);
  socket.destroy(error);
}
