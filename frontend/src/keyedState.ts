// React's "reset state when a prop changes" without an effect: the state remembers which key it belongs to,
// and a render with another key starts again from the initial value.
import { useState } from "react";

/** State that starts again from `initial` whenever `key` changes (the folder, the search, the address). */
export function useKeyedState<T>(key: string, initial: T): [T, (value: T) => void] {
  const [state, setState] = useState({ key, value: initial });
  const value = state.key === key ? state.value : initial;
  return [value, (next) => setState({ key, value: next })];
}
