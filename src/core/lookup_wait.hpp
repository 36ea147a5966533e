// When an mDNS lookup is over. mDNS has no "no such name": a name nobody announces never
// answers, so a lookup that waited for every answer would always run into its bound. Instead the
// first answers decide: the daemon answers at once from its cache, a responder within a short
// time of the query, and once nothing came for a short quiet time the lookup ends. Pure: the
// backends feed it what they heard and the time, and call it on each event and wakeup.
#pragma once

#include <chrono>
#include <span>

#include "core/discovery.hpp"

namespace lxhost {

using LookupClock = std::chrono::steady_clock;

// With lookups in parallel, how long after the last answer (or after the lookups were made,
// before any answer) others may still be on their way. In the lab a name the daemon had not
// cached answered 113-118 ms after the query (Avahi holds a new query back up to 100 ms to send
// it with others); 200 ms leaves room for a loaded machine, and is still a fifth of the default
// resolve_timeout_ms.
inline constexpr auto kQuietAfterAnswers = std::chrono::milliseconds(200);

// With IpFamily any or both, once one family answered, how long (since the lookup began) the
// other one is waited for: for `both`, either; for `any`, only IPv4 after IPv6. In the lab, a
// cold answer came 113 ms after the query.
inline constexpr auto kOtherFamilyWait = std::chrono::milliseconds(250);

// One of a batch of lookups, as far as it went.
struct LookupState {
  bool answered = false;    // an answer came
  bool waited_for = true;   // false: only what the daemon has cached is taken (a remembered miss)
  bool cache_read = false;  // the daemon has given what it had cached for it
  bool given_up = false;    // the daemon asked a while and heard nothing (Avahi's ALL_FOR_NOW)
};

// Whether a batch is over at `now` (the caller ends it at its bound too): every lookup answered
// or given up, or, not waited for, had its cache read; or, with first_answers, kQuietAfterAnswers
// passed since `quiet_from` (the later of when the lookups were made and the last answer).
bool lookups_over(std::span<const LookupState> lookups, LookupWait wait, LookupClock::time_point quiet_from,
                  LookupClock::time_point now);
// When lookups_over turns true without anything new being heard (max: never).
LookupClock::time_point lookups_over_at(LookupWait wait, LookupClock::time_point quiet_from);

// What a lookup of a name's addresses has heard, per family.
struct FamilyAnswers {
  bool ipv4 = false;  // an IPv4 address came
  bool ipv6 = false;
  bool ipv4_given_up = false;  // the daemon has nothing more for the family (Avahi's ALL_FOR_NOW)
  bool ipv6_given_up = false;
};

// Whether a lookup that has an address has waited enough for the families `family` wants, at
// `since_start` after it began: v4 and v6 want their own; `any` IPv4, or IPv6 and kOtherFamilyWait
// for IPv4; `both` each family, or kOtherFamilyWait. A family given up on is not waited for.
bool families_done(IpFamily family, const FamilyAnswers& heard, std::chrono::milliseconds since_start);
// When families_done turns true without a new answer: `since_start` of kOtherFamilyWait, or 0
// when it already is true.
std::chrono::milliseconds families_done_after(IpFamily family, const FamilyAnswers& heard);

}  // namespace lxhost
