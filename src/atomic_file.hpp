// Files written so that a crash never leaves half of one: temp file in the same directory,
// fsync, then rename (or link, when an existing file must not be replaced).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace lxhost {

enum class Replace { yes, no };

// Writes `content` to `path` with `mode`, creating missing parent directories with `dir_mode`.
// Replace::no fails with Failure when `path` exists. Throws Failure naming the path and the reason.
void write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                           Replace replace = Replace::yes, mode_t dir_mode = 0700);

// What a cache file holds; empty when it is missing or cannot be read (a cache is rebuilt).
std::string read_cache_text(const std::string& path);

}  // namespace lxhost
