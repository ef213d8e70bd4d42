// What the enrollment forms share: their region list and the form state of a set of text fields.
import { useState } from "react";

export const REGIONS: { code: string; name: string }[] = [
  { code: "SCAL", name: "Southern California" },
  { code: "NCAL", name: "Northern California" },
  { code: "CO", name: "Colorado" },
  { code: "GA", name: "Georgia" },
  { code: "HI", name: "Hawaii" },
  { code: "MAS", name: "Mid-Atlantic States" },
  { code: "NW", name: "Northwest" },
];

/** The values of a form's text fields, by name, and a setter for one of them. */
export function useFields<K extends string>(initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  const set = (name: K) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [name]: event.target.value }));
  return { values, set, reset: () => setValues(initial) };
}

/** The password rules, shown before the first attempt (the gateway states the same when it refuses one). */
export const PASSWORD_RULES =
  "15 to 128 characters. Any characters may be used, spaces included, with no required mix of letters, digits or " +
  "symbols; it must not contain your user ID or be a commonly used password. A short sentence works well.";
