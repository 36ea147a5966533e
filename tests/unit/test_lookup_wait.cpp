#include "catch.hpp"

#include <vector>

#include "core/lookup_wait.hpp"

using namespace lxhost;
using std::chrono::milliseconds;

namespace {

const LookupClock::time_point kMade{std::chrono::seconds(1000)};

LookupState answered() { return {.answered = true}; }
LookupState waiting() { return {}; }
LookupState remembered_miss(bool cache_read) { return {.waited_for = false, .cache_read = cache_read}; }

}  // namespace

TEST_CASE("lookups: over as soon as every address has an answer, whatever the time", "[lookup_wait]") {
  const std::vector<LookupState> all = {answered(), answered()};
  CHECK(lookups_over(all, LookupWait::first_answers, kMade, kMade));
  CHECK(lookups_over(all, LookupWait::every_answer, kMade, kMade));
  const std::vector<LookupState> given_up = {answered(), {.given_up = true}};
  CHECK(lookups_over(given_up, LookupWait::every_answer, kMade, kMade));
}

TEST_CASE("lookups: an address nobody answers ends the wait after the quiet time, not the bound", "[lookup_wait]") {
  const std::vector<LookupState> lookups = {answered(), waiting()};
  const auto last_answer = kMade + milliseconds(10);
  CHECK_FALSE(lookups_over(lookups, LookupWait::first_answers, last_answer, last_answer + milliseconds(199)));
  CHECK(lookups_over(lookups, LookupWait::first_answers, last_answer, last_answer + kQuietAfterAnswers));
  CHECK(lookups_over_at(LookupWait::first_answers, last_answer) == last_answer + kQuietAfterAnswers);
  // --mdns-wait: only the caller's bound ends it.
  CHECK_FALSE(lookups_over(lookups, LookupWait::every_answer, last_answer, last_answer + std::chrono::hours(1)));
  CHECK(lookups_over_at(LookupWait::every_answer, last_answer) == LookupClock::time_point::max());
}

TEST_CASE("lookups: a remembered miss is not waited for, but its cached answer is", "[lookup_wait]") {
  // Every other address answered: done once the daemon has said what it caches for the miss.
  CHECK_FALSE(lookups_over(std::vector<LookupState>{answered(), remembered_miss(false)}, LookupWait::first_answers,
                           kMade, kMade + milliseconds(5)));
  CHECK(lookups_over(std::vector<LookupState>{answered(), remembered_miss(true)}, LookupWait::first_answers, kMade,
                     kMade + milliseconds(5)));
  // Only remembered misses: no quiet time to wait.
  CHECK(lookups_over(std::vector<LookupState>{remembered_miss(true), remembered_miss(true)}, LookupWait::first_answers,
                     kMade, kMade));
  // A waited-for address still holds it, until the quiet time.
  const std::vector<LookupState> mixed = {remembered_miss(true), waiting()};
  CHECK_FALSE(lookups_over(mixed, LookupWait::first_answers, kMade, kMade + milliseconds(100)));
  CHECK(lookups_over(mixed, LookupWait::first_answers, kMade, kMade + kQuietAfterAnswers));
  CHECK(lookups_over(std::vector<LookupState>{}, LookupWait::first_answers, kMade, kMade));
}

TEST_CASE("families: the first usable address ends a lookup for any family, both waits", "[lookup_wait]") {
  const milliseconds at_once{0};
  const FamilyAnswers ipv4_only{.ipv4 = true};
  const FamilyAnswers ipv6_only{.ipv6 = true};
  // any: IPv4 came, IPv6 is not waited for.
  CHECK(families_done(IpFamily::any, ipv4_only, at_once));
  CHECK(families_done_after(IpFamily::any, ipv4_only) == at_once);
  // any: only IPv6 came: IPv4 (first when there) is waited for a moment, unless given up.
  CHECK_FALSE(families_done(IpFamily::any, ipv6_only, milliseconds(249)));
  CHECK(families_done(IpFamily::any, ipv6_only, kOtherFamilyWait));
  CHECK(families_done_after(IpFamily::any, ipv6_only) == kOtherFamilyWait);
  CHECK(families_done(IpFamily::any, {.ipv6 = true, .ipv4_given_up = true}, at_once));
  // both: each family, or the wait for the other one.
  CHECK_FALSE(families_done(IpFamily::both, ipv4_only, milliseconds(249)));
  CHECK(families_done(IpFamily::both, ipv4_only, kOtherFamilyWait));
  CHECK(families_done(IpFamily::both, {.ipv4 = true, .ipv6 = true}, at_once));
  CHECK(families_done(IpFamily::both, {.ipv4 = true, .ipv6_given_up = true}, at_once));
  CHECK(families_done_after(IpFamily::both, ipv6_only) == kOtherFamilyWait);
  // One family: its own answer.
  CHECK(families_done(IpFamily::v4, ipv4_only, at_once));
  CHECK(families_done(IpFamily::v6, ipv6_only, at_once));
}

TEST_CASE("reverse request: remembered misses are not waited for, unless every answer is", "[lookup_wait]") {
  ReverseRequest request{.addresses = {"10.0.3.5", "10.0.3.6"}, .remembered_misses = {"10.0.3.6"}};
  CHECK(request.waits_for("10.0.3.5"));
  CHECK_FALSE(request.waits_for("10.0.3.6"));
  request.wait = LookupWait::every_answer;
  CHECK(request.waits_for("10.0.3.6"));
}
