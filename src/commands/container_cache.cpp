#include "commands/container_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "atomic_file.hpp"
#include "commands/lxd_api.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/publish_names.hpp"
#include "core/state_files.hpp"
#include "file_lock.hpp"
#include "self_path.hpp"
#include "spawn.hpp"

namespace lxhost {
namespace {

std::string cache_path(Context& ctx) { return container_cache_file(ctx.paths().cache_dir, ctx.host().name); }

struct CacheFile {
  std::optional<std::vector<CachedContainer>> containers;  // nullopt: missing or corrupt
  std::chrono::system_clock::time_point written;
};

CacheFile read_cache(const std::string& path) {
  CacheFile file;
  std::error_code error;
  const auto mtime = std::filesystem::last_write_time(path, error);
  if (error) return file;
  file.containers = parse_cache(read_cache_text(path));
  // file_clock -> system_clock (C++20's clock_cast is missing from GCC 12's library).
  file.written = std::chrono::system_clock::now() +
                 std::chrono::duration_cast<std::chrono::system_clock::duration>(
                     mtime - std::filesystem::file_time_type::clock::now());
  return file;
}

// The host's refresh lock, or nullopt when a refresh holds it (or the cache directory cannot be
// made: then there is no cache to refresh either).
std::optional<FileLock> try_lock(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  try {
    return FileLock::try_lock(path);
  } catch (const Failure&) {
    return std::nullopt;
  }
}

// Starts `lxhost __refresh-cache` for this host unless a refresh already runs.
void start_refresh(Context& ctx) {
  if (!try_lock(lock_file(cache_path(ctx)))) return;  // a refresh is running; else the refresher takes it itself
  std::vector<std::string> argv;
  try {
    argv.push_back(self_executable().string());
  } catch (const Error&) {
    return;
  }
  argv.emplace_back("-q");
  if (ctx.invocation().options.config_file) argv.insert(argv.end(), {"-c", ctx.config_path()});
  if (ctx.invocation().options.host) argv.insert(argv.end(), {"-H", ctx.invocation().options.host->value});
  argv.emplace_back("__refresh-cache");
  spawn_detached(argv);
}

}  // namespace

std::vector<CachedContainer> cached_containers(Context& ctx, std::chrono::milliseconds first_fetch) {
  const std::string path = cache_path(ctx);
  CacheFile file = read_cache(path);
  if (file.containers) {
    const auto ttl = std::chrono::seconds(ctx.config().completion.cache_ttl_s.value);
    if (!cache_fresh(file.written, std::chrono::system_clock::now(), ttl)) start_refresh(ctx);
    return *file.containers;
  }
  // No usable cache: wait a little for a refresh (ours, or one a TAB just before started). One
  // still running at the bound goes on detached, and the next TAB finds its result.
  start_refresh(ctx);
  const auto deadline = std::chrono::steady_clock::now() + first_fetch;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    file = read_cache(path);
    if (file.containers) return *file.containers;
  }
  return {};
}

std::vector<CachedContainer> containers_on_disk(Context& ctx) {
  return read_cache(cache_path(ctx)).containers.value_or(std::vector<CachedContainer>{});
}

void invalidate_container_cache(Context& ctx) {
  try {
    const std::string path = cache_path(ctx);
    if (::access(path.c_str(), F_OK) != 0) return;
    const timespec epoch[2] = {{0, 0}, {0, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), epoch, 0);  // stale: the next TAB refreshes if this fails
    start_refresh(ctx);
  } catch (const Error&) {
    // A broken config was already reported by the command itself.
  }
}

std::vector<ContainerRow> host_containers(Context& ctx) {
  if (ctx.host().backend.value == Backend::lxd) return lxd_containers(ctx);
  const std::vector<std::string> argv = {"lxc-ls", "-f", "-F", std::string(lxc_ls_fields)};
  return parse_lxc_ls_fancy(capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-ls"));
}

int refresh_container_cache(Context& ctx) {
  const std::optional<FileLock> lock = try_lock(lock_file(cache_path(ctx)));
  if (!lock) return 0;  // another refresh is on it
  write_file_atomically(cache_path(ctx), render_cache(host_containers(ctx)), 0600);
  return 0;
}

std::vector<PublishedName> published_now(Context& ctx) {
  const std::string file = published_names_file(ctx.paths().cache_dir);
  try {
    if (FileLock::try_lock(lock_file(file))) return {};  // nobody publishes (the lock goes at once)
  } catch (const Failure&) {
    return {};  // no cache directory: no publish
  }
  std::vector<PublishedName> names = parse_published(read_cache_text(file));
  std::erase_if(names, [&](const PublishedName& n) { return n.host != ctx.host().name; });
  return names;
}

}  // namespace lxhost
