// An exclusive lock that leaves no file behind. Lock files named after hosts (a mux master's
// starter, a cache refresh) would otherwise pile up, one for every host spelling ever tried.
// The holder removes the file before it lets go; whoever gets the lock checks that the file it
// locked is still the one at the path (one removed meanwhile is given up and the path tried
// again), so two holders never exist at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lxhost {

class FileLock {
 public:
  // The lock on PATH (made 0600, its directory as it is), or nullopt when another process holds
  // it. Throws Failure when PATH cannot be opened.
  static std::optional<FileLock> try_lock(const std::string& path);
  // Tries every 5 ms until `deadline`; nullopt then.
  static std::optional<FileLock> lock_until(const std::string& path, std::chrono::steady_clock::time_point deadline);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();  // removes the file, then releases the lock

 private:
  FileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace lxhost
