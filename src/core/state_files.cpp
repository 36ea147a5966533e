#include "core/state_files.hpp"

#include <cctype>
#include <cstdint>

#include <fmt/format.h>

namespace lxhost {
namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string file_safe_name(std::string_view text) {
  std::string name(text);
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) c = '_';
  if (name.empty() || name.front() == '.') return "_" + name;
  return name;
}

std::string container_cache_file(std::string_view cache_dir, std::string_view host_name) {
  return fmt::format("{}/containers-{}.tsv", cache_dir, file_safe_name(host_name));
}

std::string lxc_generation_file(std::string_view cache_dir, const HostConfig& host) {
  return fmt::format("{}/lxc-generation-{}", cache_dir,
                     file_safe_name(fmt::format("{}-{}-{}", host.name, host.address.value, host.port.value)));
}

std::string discovered_hosts_file(std::string_view cache_dir) { return fmt::format("{}/discovered.tsv", cache_dir); }

std::string mdns_misses_file(std::string_view cache_dir) { return fmt::format("{}/mdns-misses.tsv", cache_dir); }

std::string published_names_file(std::string_view cache_dir) { return fmt::format("{}/published.tsv", cache_dir); }

std::string listed_addresses_file(std::string_view cache_dir, std::string_view host_name) {
  return fmt::format("{}/listed-addresses-{}.txt", cache_dir, file_safe_name(host_name));
}

std::string socket_path(std::string_view dir, const HostConfig& host, std::string_view config_source) {
  const std::string identity =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", host.address.value, host.port.value, host.user.value,
                  host.identity_file.value, host.known_hosts.value, static_cast<int>(host.host_key.value), config_source);
  return fmt::format("{}/{}-{:016x}{}", dir, file_safe_name(std::string_view(host.name).substr(0, 32)),
                     fnv1a(identity), kSocketSuffix);
}

std::string lock_file(std::string_view file) { return fmt::format("{}{}", file, kLockSuffix); }

}  // namespace lxhost
