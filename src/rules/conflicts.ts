import type { RulePack } from "./pack.js";
import { evalCondition } from "./classify.js";
import { FactsError, type Facts } from "./facts.js";

/** Two facts that cannot both hold; forms mark both fields. */
export class FactsConflictError extends FactsError {
  constructor(
    message: string,
    readonly facts: readonly [string, string],
  ) {
    super(message);
  }
}

/**
 * Refuse facts that contradict each other (the pack's `conflicts`), naming both: a
 * contradiction would otherwise let one of them silently relax the deadline.
 * `touched` lists the facts being changed, so the message leads with what the user typed.
 */
export function assertConsistent(pack: RulePack, facts: Facts, touched: readonly string[] = []): void {
  for (const c of pack.conflicts) {
    if (evalCondition(c.when, facts) !== true || evalCondition(c.and, facts) !== true) continue;
    const [first, second] = touched.includes(c.and.fact) && !touched.includes(c.when.fact) ? [c.and, c.when] : [c.when, c.and];
    throw new FactsConflictError(
      `${first.fact}=${String(facts[first.fact])} contradicts ${second.fact}=${String(facts[second.fact])}: ${c.en}. Correct one of them.`,
      [first.fact, second.fact],
    );
  }
}

/**
 * Facts the others already settle: where a conflict says `when` rules out `and` (cii_affected
 * =false rules out a CII outage above 0 minutes), an unknown `and` fact can only hold the
 * largest value `and` leaves open, so it is moot and nobody is asked for it. Only `gt` bounds
 * imply a value (the bound itself: the strictest one possible); the facts typed stay as typed.
 */
export function withImplied(pack: RulePack, facts: Facts): Facts {
  let out = facts;
  for (const c of pack.conflicts) {
    if (c.and.gt === undefined || facts[c.and.fact] !== undefined || evalCondition(c.when, facts) !== true) continue;
    out = { ...out, [c.and.fact]: c.and.gt };
  }
  return out;
}
