/**
 * Every class a failed vendor call or refresh falls into; the lifecycle engine acts on the class
 * only. `database`: the vendor answered, but this server's database refused or did not answer
 * (storing the value, recording the call): nothing to do with the vendor. The one list the server,
 * the API description and the pages read.
 */
export const FAILURE_CLASSES = ["invalid-credential", "busy", "rate-limited", "quota-exhausted", "bad-config", "bad-response", "network", "database"] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Whether a stored or carried value names one of the classes. */
export function isFailureClass(value: unknown): value is FailureClass {
  return (FAILURE_CLASSES as readonly unknown[]).includes(value);
}
