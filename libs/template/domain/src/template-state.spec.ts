import { alertsFor } from './alerts';
import { maySend } from './send-policy';
import { projectTemplate } from './template-state';
import { HOUR_MS } from './template-status';
import { quality, status, T0_MS } from './testing/template-event.builders';

const at = (minutes: number) => T0_MS + minutes * 60_000;

describe('template state', () => {
  it('given a first pause, then the template is paused for 3 h and may not be sent until then', () => {
    const s = projectTemplate([status('APPROVED', 0), status('PAUSED', 10, { otherInfoTitle: 'FIRST_PAUSE' })]);
    expect(s.status).toBe('PAUSED');
    expect(s.pause).toEqual({ ordinal: 1, title: 'FIRST_PAUSE', startedAtMs: at(10), endsAtMs: at(10) + 3 * HOUR_MS });
    expect(maySend(s, undefined, at(11))).toEqual({ allowed: false, reason: 'PAUSED', untilMs: at(10) + 3 * HOUR_MS, warnings: [] });
    expect(maySend(s, undefined, at(10) + 3 * HOUR_MS).reason).toBe('PAUSE_ELAPSED');
  });

  it('given pause, reinstate, pause, disable in any order, then DISABLED with two pauses counted, the second 6 h long', () => {
    const events = [
      status('PAUSED', 1, { otherInfoTitle: 'FIRST_PAUSE' }),
      status('REINSTATED', 200, { otherInfoTitle: 'UNPAUSE' }),
      status('PAUSED', 300, { otherInfoTitle: 'SECOND_PAUSE' }),
      status('DISABLED', 700, { otherInfoTitle: 'DISABLED' }),
    ];
    const s = projectTemplate([events[3]!, events[1]!, events[0]!, events[2]!, events[3]!]);
    expect(s.status).toBe('DISABLED');
    expect(s.pauseCount).toBe(2);
    expect(s.pause).toBeUndefined();
    expect(maySend(s, undefined, at(800)).reason).toBe('DISABLED');
    expect(maySend(projectTemplate(events.slice(0, 3)), undefined, at(301)).untilMs).toBe(at(300) + 6 * HOUR_MS);
    expect(events.flatMap(alertsFor).map((a) => a.kind)).toEqual(['template.paused', 'template.paused', 'template.disabled']);
  });

  it('counts pauses when Meta gives no title', () => {
    const s = projectTemplate([status('PAUSED', 1), status('APPROVED', 2), status('PAUSED', 3)]);
    expect(s.pause?.ordinal).toBe(2);
    expect(s.pause?.endsAtMs).toBe(at(3) + 6 * HOUR_MS);
  });

  it('keeps rejection info, returns to the pre-archive status, and warns on RED quality', () => {
    const rejected = projectTemplate([status('REJECTED', 1, { reason: 'INVALID_FORMAT', rejectionReason: 'adjacent params' })]);
    expect(rejected.rejection?.reason).toBe('adjacent params');
    expect(maySend(rejected, undefined, at(2)).allowed).toBe(false);
    const unarchived = projectTemplate([status('APPROVED', 1), status('ARCHIVED', 2), status('UNARCHIVED', 3)]);
    expect(unarchived.status).toBe('APPROVED');
    const red = projectTemplate([status('APPROVED', 1), quality('RED', 2, 'YELLOW')]);
    expect(maySend(red, undefined, at(3))).toMatchObject({ allowed: true, warnings: ['QUALITY_RED'] });
    expect(alertsFor(quality('RED', 2)).map((a) => a.kind)).toEqual(['template.quality_red']);
    expect(alertsFor(quality('YELLOW', 2))).toEqual([]);
  });

  it('answers for unknown templates and unknown statuses', () => {
    expect(maySend(undefined, undefined, 0).reason).toBe('UNKNOWN_TEMPLATE');
    expect(maySend(projectTemplate([status('SOMETHING_NEW', 1)]), undefined, 0)).toMatchObject({ allowed: false, reason: 'UNKNOWN_STATUS' });
  });
});
