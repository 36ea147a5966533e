// When an mDNS lookup is over (see lookup_wait.hpp).
#include "core/lookup_wait.hpp"

#include <algorithm>

namespace lxhost {

bool lookups_over(std::span<const LookupState> lookups, LookupWait wait, LookupClock::time_point quiet_from,
                  LookupClock::time_point now) {
  const bool all_settled = std::all_of(lookups.begin(), lookups.end(), [](const LookupState& lookup) {
    return lookup.answered || lookup.given_up || (!lookup.waited_for && lookup.cache_read);
  });
  return all_settled || now >= lookups_over_at(wait, quiet_from);
}

LookupClock::time_point lookups_over_at(LookupWait wait, LookupClock::time_point quiet_from) {
  if (wait == LookupWait::every_answer) return LookupClock::time_point::max();
  return quiet_from + kQuietAfterAnswers;
}

bool families_done(IpFamily family, const FamilyAnswers& heard, std::chrono::milliseconds since_start) {
  const bool ipv4_done = heard.ipv4 || heard.ipv4_given_up;
  const bool ipv6_done = heard.ipv6 || heard.ipv6_given_up;
  const bool waited = since_start >= kOtherFamilyWait;
  switch (family) {
    case IpFamily::v4: return ipv4_done || waited;
    case IpFamily::v6: return ipv6_done || waited;
    case IpFamily::any: return heard.ipv4 || (heard.ipv6 && (heard.ipv4_given_up || waited));
    case IpFamily::both: break;
  }
  return (ipv4_done && ipv6_done) || waited;
}

std::chrono::milliseconds families_done_after(IpFamily family, const FamilyAnswers& heard) {
  if (families_done(family, heard, std::chrono::milliseconds(0))) return std::chrono::milliseconds(0);
  if (families_done(family, heard, kOtherFamilyWait)) return kOtherFamilyWait;
  return std::chrono::milliseconds::max();
}

}  // namespace lxhost
