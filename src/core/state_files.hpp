// Every file lxhost keeps between runs, named in one place: the completion cache and its lock,
// the LXC generation of each host, the hosts `discover` saw, the addresses `list` found no mDNS
// name for and those it last showed, the names publish has published, the mux's sockets and their locks.
// Pure: directories in, paths out. What is in each file is read and written by its own pure
// module (cache.*, discovered_hosts.*, mdns_misses.*, legacy_verbs.*).
#pragma once

#include <string>
#include <string_view>

#include "core/config.hpp"

namespace lxhost {

// Text made safe for a file name: [A-Za-z0-9._-] kept, anything else '_'; never "", "." or ".."
// (a leading '.' gets a '_' before it), so it never names the directory or its parent.
std::string file_safe_name(std::string_view text);

// CACHE_DIR/containers-HOST.tsv: a host's container names and states, for completion.
std::string container_cache_file(std::string_view cache_dir, std::string_view host_name);
// CACHE_DIR/lxc-generation-HOST-ADDRESS-PORT: whether the host has LXC >= 2.0 (lxc-copy).
std::string lxc_generation_file(std::string_view cache_dir, const HostConfig& host);
// CACHE_DIR/discovered.tsv: the hosts `discover` saw.
std::string discovered_hosts_file(std::string_view cache_dir);
// CACHE_DIR/mdns-misses.tsv: the addresses `list` found no mDNS name for, for a minute.
std::string mdns_misses_file(std::string_view cache_dir);
// CACHE_DIR/listed-addresses-HOST.txt: the addresses the last `list` of a host showed.
std::string listed_addresses_file(std::string_view cache_dir, std::string_view host_name);
// CACHE_DIR/published.tsv: the names `lxhost publish` has published now (while it runs); its
// lock (published.tsv.lock) is held by the one publish that runs.
std::string published_names_file(std::string_view cache_dir);

// DIR/NAME-HASH.sock: NAME the host's name (its first 32 bytes, made safe), HASH over what makes
// the session (address, port, user, identity file, known_hosts, host key policy, config file), so
// a changed setting never reuses a master made with the old one.
std::string socket_path(std::string_view dir, const HostConfig& host, std::string_view config_source);

// The lock beside a file (FILE.lock): who starts a master, who refreshes a cache.
std::string lock_file(std::string_view file);

inline constexpr std::string_view kSocketSuffix = ".sock";
inline constexpr std::string_view kLockSuffix = ".lock";

}  // namespace lxhost
