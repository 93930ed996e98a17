/** What readiness needs to know about a consumer. */
export type ConsumerState = 'starting' | 'running' | 'retrying' | 'crashed' | 'stopped';

export interface ConsumerHealthSnapshot {
  state: ConsumerState;
  groupId: string;
  lastBatchAt: string | null;
  lastError: string | null;
  retryingSince: string | null;
}

export class ConsumerHealth {
  private state: ConsumerState = 'starting';
  private lastBatchAt: Date | null = null;
  private lastError: string | null = null;
  private retryingSince: Date | null = null;

  constructor(readonly groupId: string) {}

  set(state: ConsumerState, error?: unknown): void {
    if (state === 'retrying' && this.state !== 'retrying') this.retryingSince = new Date();
    if (state !== 'retrying') this.retryingSince = null;
    this.state = state;
    if (error !== undefined) this.lastError = error instanceof Error ? error.message : String(error);
  }

  batchDone(): void {
    this.lastBatchAt = new Date();
    if (this.state === 'retrying' || this.state === 'starting') this.set('running');
  }

  /** Ready while running; a consumer stuck retrying a transient failure is not ready. */
  get ready(): boolean {
    return this.state === 'running';
  }

  snapshot(): ConsumerHealthSnapshot {
    return {
      state: this.state,
      groupId: this.groupId,
      lastBatchAt: this.lastBatchAt?.toISOString() ?? null,
      lastError: this.lastError,
      retryingSince: this.retryingSince?.toISOString() ?? null,
    };
  }
}
