#include <chrono>

#include "catch.hpp"
#include "core/cache.hpp"

using namespace lxhost;
using namespace std::chrono_literals;

TEST_CASE("cache text round-trips", "[cache]") {
  const std::vector<ContainerRow> rows = {{"web", "RUNNING", {"10.0.0.1"}, {}, ""}, {"a-b_c.d", "STOPPED", {}, {}, ""}};
  const std::string text = render_cache(rows);
  CHECK(text == "# lxhost containers v1\nweb\tRUNNING\na-b_c.d\tSTOPPED\n");
  const auto parsed = parse_cache(text);
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].name == "a-b_c.d");
  CHECK((*parsed)[1].state == "STOPPED");
}

TEST_CASE("an empty host is a valid, empty cache", "[cache]") {
  const auto parsed = parse_cache(render_cache({}));
  REQUIRE(parsed.has_value());
  CHECK(parsed->empty());
}

TEST_CASE("corrupt caches are rejected, not half-read", "[cache]") {
  CHECK_FALSE(parse_cache("").has_value());
  CHECK_FALSE(parse_cache("garbage\n").has_value());
  CHECK_FALSE(parse_cache("# lxhost containers v2\nweb\tRUNNING\n").has_value());
  CHECK_FALSE(parse_cache("# lxhost containers v1\nweb\tRUNNING").has_value());  // truncated
  CHECK_FALSE(parse_cache("# lxhost containers v1\nweb RUNNING\n").has_value());
  CHECK_FALSE(parse_cache("# lxhost containers v1\n\tRUNNING\n").has_value());
  CHECK_FALSE(parse_cache("# lxhost containers v1\na\tb\tc\n").has_value());
  CHECK_FALSE(parse_cache(std::string("# lxhost containers v1\n\xff\x00\x01\n", 27)).has_value());
}

TEST_CASE("rows that would break the format are left out", "[cache]") {
  const auto text = render_cache({{"bad\nname", "RUNNING", {}, {}, ""}, {"ok", "RUN\tNING", {}, {}, ""}, {"fine", "STOPPED", {}, {}, ""}});
  CHECK(text == "# lxhost containers v1\nfine\tSTOPPED\n");
}

TEST_CASE("freshness", "[cache]") {
  const auto now = std::chrono::system_clock::now();
  CHECK(cache_fresh(now - 10s, now, 30s));
  CHECK_FALSE(cache_fresh(now - 31s, now, 30s));
  CHECK_FALSE(cache_fresh(now, now, 0s));
  CHECK_FALSE(cache_fresh(now + 5s, now, 30s));  // written in the future: clock skew, refresh
  CHECK_FALSE(cache_fresh(std::chrono::system_clock::time_point{}, now, 30s));  // invalidated (mtime 0)
}

TEST_CASE("state filters", "[cache]") {
  CHECK(state_matches("RUNNING", NameFilter::running));
  CHECK_FALSE(state_matches("STOPPED", NameFilter::running));
  CHECK(state_matches("STOPPED", NameFilter::stopped));
  CHECK(state_matches("FROZEN", NameFilter::frozen));
  CHECK(state_matches("FROZEN", NameFilter::defined));
  CHECK(state_matches("STOPPED", NameFilter::defined));
}

TEST_CASE("cache_lists: a container's exact name, in any state", "[cache]") {
  const std::vector<CachedContainer> cached = {{"web", "RUNNING"}, {"base", "STOPPED"}};
  CHECK(cache_lists(cached, "web"));
  CHECK(cache_lists(cached, "base"));
  CHECK_FALSE(cache_lists(cached, "Web"));  // LXC's names are case-sensitive
  CHECK_FALSE(cache_lists(cached, "we"));
  CHECK_FALSE(cache_lists(cached, ""));
  CHECK_FALSE(cache_lists({}, "web"));
}
