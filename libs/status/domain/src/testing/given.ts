import { evolve, initialState, project } from '../message-state.projection';
import type { MessageState } from '../message-state.types';
import type { MessageEvent } from '../status-event.types';

/**
 * given(history).when(events).then(state => …), in the style of Emmett's
 * specifications. Every scenario also checks that folding with `evolve` and
 * projecting the set agree, so each example is a small determinism test too.
 */
export function given(...history: MessageEvent[]) {
  return {
    when(...events: MessageEvent[]) {
      const all = [...history, ...events];
      return {
        then(assert: (state: MessageState) => void): void {
          const folded = all.reduce(evolve, initialState());
          expect(folded).toStrictEqual(project(all));
          assert(folded);
        },
        thenThrows(error: Parameters<ReturnType<typeof expect>['toThrow']>[0]): void {
          expect(() => all.reduce(evolve, initialState())).toThrow(error);
          expect(() => project(all)).toThrow(error);
        },
      };
    },
  };
}
