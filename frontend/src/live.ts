// New in-basket messages as the subscription delivers them, for the screens that show the in-basket.
import { createContext } from "react";

import type { InBasketArrivalsSubscription } from "./graphql/generated/graphql";

export type ArrivedMessage = InBasketArrivalsSubscription["inBasket"];

export interface ArrivalsState {
  /** How many messages arrived since sign-on: a screen refreshes its list when it changes. */
  count: number;
  latest: ArrivedMessage | null;
}

export const Arrivals = createContext<ArrivalsState>({ count: 0, latest: null });
