/** A fold as the views define it: a state to start from and how one event changes it. */
export interface Fold<State, Event> {
  initial(): State;
  evolve(state: State, event: Event): State;
}

/**
 * Given/when/then for a fold, after Emmett's DeciderSpecification: `given` the events the
 * state already holds, `when` the events under test arrive, `then` what must hold of the
 * state that results. The events are folded in the order written, as a projection would.
 *
 *   spec.given(opened, requested).when(accepted).then((state) => expect(viewOf(state).owner)...)
 */
export const FoldSpecification = {
  for<State, Event>(fold: Fold<State, Event>) {
    const given = (...history: Event[]) => ({
      when: (...events: Event[]) => {
        const state = [...history, ...events].reduce((folded, event) => fold.evolve(folded, event), fold.initial());
        return {
          then: (expectation: (state: State) => void): void => {
            expectation(state);
          },
        };
      },
    });
    return { given, when: (...events: Event[]) => given().when(...events) };
  },
};
