import { connect, Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request over a plain socket, for what fetch cannot do: send
 * the head with a large Content-Length and then trickle the body, stall, or
 * vanish mid-body, and see whether (and what) the server answers meanwhile.
 */
export class RawHttpRequest {
  /** The server's answer, as soon as it is complete (whether or not the body was sent); rejects if the socket ends without one. */
  readonly response: Promise<RawResponse>;
  /** Resolves once the server (or we) closed the connection. */
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    // Writes after the server closed fail with EPIPE/ECONNRESET: expected here, and the answer (if any) was read before.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.response = new Promise((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        const parsed = parseResponse(this.buffer);
        if (parsed) {
          socket.off('data', onData);
          resolve(parsed);
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`connection closed without a complete response (${this.buffer.length} bytes received)`)));
    });
    // A caller that only waits for `closed` must not see an unhandled rejection.
    this.response.catch(() => undefined);
  }

  /** Connects and sends the head (and `body`, if given: possibly only the start of what Content-Length declares). */
  static async open(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string): Promise<RawHttpRequest> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const request = new RawHttpRequest(socket);
    const head = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.write(head);
    if (body !== undefined && body.length > 0) socket.write(body);
    return request;
  }

  /** More body bytes; false if the connection is gone. */
  write(bytes: Buffer | string): boolean {
    if (this.socket.destroyed || !this.socket.writable) return false;
    this.socket.write(bytes);
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A complete response in `buffer` (head plus Content-Length bytes of body), or undefined if more is needed. */
function parseResponse(buffer: Buffer): RawResponse | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < end + 4 + length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') };
}
