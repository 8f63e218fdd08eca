// Uses the TypeScript types `make clients` generates from the contract (schema.d.ts, not
// committed). `make lint` compiles this file with `tsc --strict --noEmit`: when the
// contract changes a name, a field or a problem code this file relies on, lint fails.

import type { components, operations } from "./schema";

type Schemas = components["schemas"];

// A typed referral create body (POST /v1/referrals): the enums are the named schemas.
export type ReferralCreate = Schemas["ReferralCreate"];
export type Urgency = Schemas["Urgency"];
export type ReferralStatus = Schemas["ReferralStatus"];

export const plannedFosterReferral: ReferralCreate = {
  person_id: "0193a1c4-5e10-7a2b-9c3d-4e5f60718201",
  urgency: "planned",
  service: "foster_care",
  needs: "Long-term foster placement near her school.",
  requested_start: "2026-04-06",
};

// A page of referrals (GET /v1/referrals), as the operation answers it.
export type ReferralPage =
  operations["list_referrals"]["responses"][200]["content"]["application/json"];

export function openReferrals(page: ReferralPage): Schemas["ReferralRead"][] {
  const closed: ReferralStatus[] = ["closed", "withdrawn"];
  return page.items.filter((referral) => !closed.includes(referral.status));
}

export function nextPageQuery(
  page: ReferralPage,
): operations["list_referrals"]["parameters"]["query"] | undefined {
  return page.next_cursor === null ? undefined : { cursor: page.next_cursor, limit: 50 };
}

// A problem's `code` is a union of exactly the codes the operation can give at that
// status (POST /v1/referrals/{id}/submit, 409): the switch must name every one of them.
export type SubmitConflict =
  operations["submit_referral"]["responses"][409]["content"]["application/problem+json"];

export function explainSubmitConflict(problem: SubmitConflict): string {
  switch (problem.code) {
    case "invalid_transition":
      return `Not in a state that can be submitted (${problem.rule ?? "state machine"}).`;
    case "conflict":
      return "Changed by someone else: read it again.";
    case "idempotency_key_in_use":
      return "The first request with this Idempotency-Key is still running.";
    default: {
      const unhandled: never = problem.code;
      return unhandled;
    }
  }
}

// Every problem carries the members of RFC 9457 and the request id.
export function describeProblem(problem: Schemas["Problem"]): string {
  return `${problem.status} ${problem.code}: ${problem.detail} (request ${problem.request_id ?? "?"})`;
}
