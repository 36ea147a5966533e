#include "catch.hpp"

#include "core/suggest.hpp"

using lxhost::closest;
using lxhost::edit_distance;

TEST_CASE("edit_distance counts insertions, deletions and substitutions", "[suggest]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("port", "port") == 0);
  CHECK(edit_distance("port", "sort") == 1);
  CHECK(edit_distance("port", "ports") == 1);
  CHECK(edit_distance("port", "prt") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("edit_distance counts an adjacent transposition as one edit", "[suggest]") {
  CHECK(edit_distance("prot", "port") == 1);
  CHECK(edit_distance("mxu", "mux") == 1);
  CHECK(edit_distance("defualt_host", "default_host") == 1);
  CHECK(edit_distance("ab", "ba") == 1);
  // Optimal string alignment: a transposed pair is not edited again.
  CHECK(edit_distance("ca", "abc") == 3);
}

TEST_CASE("edit_distance is case-sensitive and symmetric", "[suggest]") {
  CHECK(edit_distance("Port", "port") == 1);
  CHECK(edit_distance("attach", "atach") == edit_distance("atach", "attach"));
}

TEST_CASE("closest suggests within max(1, size/3) edits", "[suggest]") {
  const std::vector<std::string> verbs = {"start", "stop", "attach", "destroy", "info"};
  CHECK(closest("strat", verbs) == std::optional<std::string>{"start"});
  CHECK(closest("atach", verbs) == std::optional<std::string>{"attach"});
  // 7 letters allow 2 edits.
  CHECK(closest("detsroi", verbs) == std::optional<std::string>{"destroy"});
  // A short word allows one edit, not two.
  CHECK(closest("inf", verbs) == std::optional<std::string>{"info"});
  CHECK(closest("ifx", verbs) == std::nullopt);
  // 6 letters allow 2 edits, not 3.
  CHECK(closest("axxxch", verbs) == std::nullopt);
  CHECK(closest("zzzzzz", verbs) == std::nullopt);
}

TEST_CASE("closest accepts a prefix of exactly one candidate", "[suggest]") {
  const std::vector<std::string> keys = {"connect_timeout_ms", "known_hosts", "host_key"};
  CHECK(closest("conn", keys) == std::optional<std::string>{"connect_timeout_ms"});
  const std::vector<std::string> two = {"resolve_timeout_ms", "resolve_later"};
  CHECK(closest("reso", two) == std::nullopt);
}

TEST_CASE("closest breaks ties by candidate order, is case-sensitive, handles empties", "[suggest]") {
  CHECK(closest("cat", {"bat", "hat"}) == std::optional<std::string>{"bat"});
  CHECK(closest("cat", {"hat", "bat"}) == std::optional<std::string>{"hat"});
  CHECK(closest("MUXES", {"mux"}) == std::nullopt);
  CHECK(closest("x", {}) == std::nullopt);
  CHECK(closest("", {"a"}) == std::nullopt);
}
