// What the config unit tests read a parse_config result or a `config show` text with, and the
// full file they parse: shared by test_config*.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <sstream>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"

namespace lxhost::testing {

// The ConfigError message parse_config throws for `text`, or "" when it parses.
inline std::string error_of(std::string_view text) {
  try {
    parse_config(text, "cfg.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

inline Origin file_at(std::string where) { return Origin{Origin::Kind::file, std::move(where)}; }

inline bool same_origin(const Origin& a, const Origin& b) { return a.kind == b.kind && a.where == b.where; }

// Values only (origins aside): what a file that restates the defaults must give.
inline void check_same_values(const Config& a, const Config& b) {
  CHECK(a.default_host.value == b.default_host.value);
  REQUIRE(a.host_names() == b.host_names());
  for (std::size_t i = 0; i < a.hosts.size(); ++i) {
    const HostConfig& x = a.hosts[i];
    const HostConfig& y = b.hosts[i];
    CHECK(x.address.value == y.address.value);
    CHECK(x.port.value == y.port.value);
    CHECK(x.user.value == y.user.value);
    CHECK(x.identity_file.value == y.identity_file.value);
    CHECK(x.sudo.value == y.sudo.value);
    CHECK(x.lxcpath.value == y.lxcpath.value);
    CHECK(x.host_key.value == y.host_key.value);
    CHECK(x.known_hosts.value == y.known_hosts.value);
    CHECK(x.connect_timeout_ms.value == y.connect_timeout_ms.value);
    CHECK(x.backend.value == y.backend.value);
    CHECK(x.lxd_socket.value == y.lxd_socket.value);
    CHECK(x.lxd_project.value == y.lxd_project.value);
  }
  CHECK(a.list_all_hosts.value == b.list_all_hosts.value);
  CHECK(a.discovery.resolve_timeout_ms.value == b.discovery.resolve_timeout_ms.value);
  CHECK(a.discovery.list_mdns_wait.value == b.discovery.list_mdns_wait.value);
  CHECK(a.discovery.browse_timeout_ms.value == b.discovery.browse_timeout_ms.value);
  CHECK(a.discovery.services.value == b.discovery.services.value);
  CHECK(a.completion.cache_ttl_s.value == b.completion.cache_ttl_s.value);
  CHECK(a.mux.enabled.value == b.mux.enabled.value);
  CHECK(a.mux.idle_timeout_s.value == b.mux.idle_timeout_s.value);
  CHECK(a.mux.watch.value == b.mux.watch.value);
  CHECK(a.publish.hosts.value == b.publish.hosts.value);
  CHECK(a.publish.name.value == b.publish.name.value);
  CHECK(a.publish.exclude.value == b.publish.exclude.value);
  CHECK(a.ssh_config.user.value == b.ssh_config.user.value);
  CHECK(a.ssh_config.preferred_authentications.value == b.ssh_config.preferred_authentications.value);
  CHECK(a.ssh_config.identity_file.value == b.ssh_config.identity_file.value);
  CHECK(a.ssh_config.via_host.value == b.ssh_config.via_host.value);
  CHECK(a.ssh_config.options.size() == b.ssh_config.options.size());
}

// Every Setting of the config and its hosts, for "all set" / "none set" checks.
inline std::vector<bool> user_set_flags(const Config& c) {
  std::vector<bool> flags = {c.default_host.user_set(),
                             c.list_all_hosts.user_set(),
                             c.discovery.resolve_timeout_ms.user_set(),
                             c.discovery.list_mdns_wait.user_set(),
                             c.discovery.browse_timeout_ms.user_set(),
                             c.discovery.services.user_set(),
                             c.completion.cache_ttl_s.user_set(),
                             c.mux.enabled.user_set(),
                             c.mux.idle_timeout_s.user_set(),
                             c.mux.watch.user_set(),
                             c.publish.hosts.user_set(),
                             c.publish.name.user_set(),
                             c.publish.exclude.user_set(),
                             c.ssh_config.user.user_set(),
                             c.ssh_config.preferred_authentications.user_set(),
                             c.ssh_config.identity_file.user_set(),
                             c.ssh_config.via_host.user_set()};
  for (const HostConfig& h : c.hosts) {
    for (bool set : {h.address.user_set(), h.port.user_set(), h.user.user_set(), h.identity_file.user_set(),
                     h.sudo.user_set(), h.lxcpath.user_set(), h.host_key.user_set(), h.known_hosts.user_set(),
                     h.connect_timeout_ms.user_set(), h.backend.user_set(), h.lxd_socket.user_set(),
                     h.lxd_project.user_set()}) {
      flags.push_back(set);
    }
  }
  return flags;
}

// `config show` output as left part -> origin comment, checking that comments are aligned.
inline std::vector<std::pair<std::string, std::string>> show_lines(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::istringstream in(text);
  std::string line;
  std::size_t column = std::string::npos;
  std::getline(in, line);  // "# config: ..."
  while (std::getline(in, line)) {
    const std::size_t hash = line.find("  # ");
    REQUIRE(hash != std::string::npos);
    const std::size_t comment_at = line.find_first_not_of(' ', hash);
    if (column == std::string::npos) column = comment_at;
    CHECK(comment_at == column);
    std::string left = line.substr(0, hash);
    left.erase(left.find_last_not_of(' ') + 1);
    lines.emplace_back(left, line.substr(comment_at + 2));
  }
  return lines;
}

inline std::string comment_for(const std::vector<std::pair<std::string, std::string>>& lines,
                               const std::string& left) {
  for (const auto& [l, comment] : lines) {
    if (l == left) return comment;
  }
  return "<no line '" + left + "'>";
}

// A full file: every key set, two hosts in non-alphabetical order, options likewise.
inline constexpr std::string_view full_file = R"(default_host = "lab"

[hosts.lab]
address = "10.0.0.5"
port = 2222
user = "me"
identity_file = "~/.ssh/lab"
sudo = false
lxcpath = "/srv/lxc"
host_key = "accept-new"
known_hosts = "~/.ssh/kh"
connect_timeout_ms = 750

[hosts.backup]
address = "backup.example"

[discovery]
resolve_timeout_ms = 300
browse_timeout_ms = 400
services = ["_ssh._tcp", "_lxc-x._udp"]

[completion]
cache_ttl_s = 0

[mux]
enabled = false
idle_timeout_s = 60
watch = false

[ssh_config]
user = "root"
preferred_authentications = "publickey,password"
identity_file = "~/.ssh/other"
via_host = "always"
[ssh_config.options]
ServerAliveInterval = "30"
Compression = "yes"
)";

}  // namespace lxhost::testing
