// The per-host completion cache on disk ($XDG_CACHE_HOME/lxhost/containers-HOST.tsv): read on
// every TAB, refreshed by a detached `lxhost __refresh-cache` that holds a lock, so a burst of
// TABs starts one refresh.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "commands/context.hpp"
#include "core/cache.hpp"
#include "core/publish.hpp"

namespace lxhost {

// Names for completion: fresh cache -> at once; stale -> at once, and a refresh starts in the
// background; no (or a corrupt) cache -> a refresh, waited for at most `first_fetch` (one running
// past it goes on detached, and a later TAB finds its result). Never throws for I/O problems
// (completion must stay silent).
constexpr std::chrono::milliseconds kFirstFetchBound{300};
std::vector<CachedContainer> cached_containers(Context& ctx, std::chrono::milliseconds first_fetch = kFirstFetchBound);
// What the host's cache holds now, fresh or not; empty without one. Never refreshes or waits
// (for a TAB that only needs to leave containers out, such as -H's).
std::vector<CachedContainer> containers_on_disk(Context& ctx);

// After a command that changed containers: the cache is marked stale and refreshed in the
// background (only when there is a cache: nobody completes otherwise).
void invalidate_container_cache(Context& ctx);

// The names `lxhost publish` has published for this host's containers while it runs (it holds
// published.tsv's lock; a publish that was killed left a file nobody holds): list shows them at
// once, proxy connects to their addresses directly. Empty when no publish runs.
std::vector<PublishedName> published_now(Context& ctx);

// The host's containers as `list` and the cache take them: lxc-ls -f -F NAME,STATE,IPV4,IPV6 on an
// LXC host, LXD's instances (in its project) on an LXD host.
std::vector<ContainerRow> host_containers(Context& ctx);

// `__refresh-cache`: fetch the list over SSH and write the cache (no-op when another refresh
// holds the lock). Returns the exit code.
int refresh_container_cache(Context& ctx);

}  // namespace lxhost
