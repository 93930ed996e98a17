import { evolve, initialState, project } from './message-state.projection';
import { decideTransition } from './status-transition';
import { accepted, meta, redelivered } from './testing/status-event.builders';

describe('status transitions', () => {
  const sent = meta('sent', 1);
  const before = project([accepted(), sent]);

  it('given sent, when delivered arrives, then it is a change from sent to delivered', () => {
    const after = evolve(before, meta('delivered', 2));
    expect(decideTransition(before, after)).toEqual({ changed: true, from: 'sent', to: 'delivered' });
  });

  it('given nothing, when accepted arrives, then it is a change from nothing', () => {
    const state = initialState();
    expect(decideTransition(state, evolve(state, accepted()))).toEqual({ changed: true, from: undefined, to: 'accepted' });
  });

  it('given sent, when sent arrives again, then there is no change', () => {
    expect(decideTransition(before, evolve(before, redelivered(sent)))).toEqual({ changed: false, from: 'sent', to: 'sent' });
  });

  it('given read, when a late sent or a failure arrives, then there is no change to publish', () => {
    const read = project([accepted(), meta('read', 5)]);
    expect(decideTransition(read, evolve(read, meta('sent', 1))).changed).toBe(false);
    expect(decideTransition(read, evolve(read, meta('failed', 6))).changed).toBe(false);
  });
});
