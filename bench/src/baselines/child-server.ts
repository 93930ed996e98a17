import type { AddressInfo } from 'node:net';

/** Message a forked target sends its parent once it accepts connections. */
export interface ListeningMessage {
  type: 'listening';
  port: number;
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
}

/** Prints the port and tells the parent (over the fork IPC channel) where to send load. */
export function announceListening(name: string, address: AddressInfo | string | null): void {
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`[${name}] listening on 127.0.0.1:${port}\n`);
  const message: ListeningMessage = { type: 'listening', port };
  process.send?.(message);
}
