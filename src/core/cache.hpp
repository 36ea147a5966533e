// The completion cache: one file per host with its containers' names and states, written
// atomically, read on every TAB. Pure: text in, text out; the file handling is in
// commands/complete.cpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lxc_output.hpp"
#include "core/verbs.hpp"

namespace lxhost {

inline constexpr std::string_view kCacheHeader = "# lxhost containers v1";

struct CachedContainer {
  std::string name;
  std::string state;  // RUNNING, STOPPED, FROZEN, ...
};

// "# lxhost containers v1\n" then "name<TAB>state\n" per container.
std::string render_cache(const std::vector<ContainerRow>& rows);

// nullopt when the text is not a cache of this version (corrupt, truncated, another format):
// the caller ignores it and rebuilds it.
std::optional<std::vector<CachedContainer>> parse_cache(std::string_view text);

// Whether a cache written at `written` is still fresh at `now` (ttl 0: never fresh).
bool cache_fresh(std::chrono::system_clock::time_point written, std::chrono::system_clock::time_point now,
                 std::chrono::seconds ttl);

// Whether `name` is one of `containers` (exactly: LXC's names are case-sensitive).
bool cache_lists(const std::vector<CachedContainer>& containers, std::string_view name);

// Whether a container in `state` is offered for a verb that wants `filter`.
bool state_matches(std::string_view state, NameFilter filter);

}  // namespace lxhost
