#include "core/doctor_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "core/shell_quote.hpp"

namespace lxhost::doctor {
namespace {

// Every check in the order they run: which hosts each is for (LXC's, LXD's or both).
struct Row {
  CheckSpec spec;
  bool lxc = true, lxd = true;
};
constexpr std::array kRows = {
    Row{{Check::config, "config", std::nullopt}},
    Row{{Check::name, "name", Check::config}},
    Row{{Check::tcp, "tcp", Check::name}},
    Row{{Check::host_key, "host key", Check::tcp}},
    Row{{Check::auth, "auth", Check::host_key}},
    Row{{Check::shell, "login shell", Check::auth}},
    Row{{Check::sudo, "sudo", Check::shell}, true, false},
    Row{{Check::lxc, "lxc", Check::sudo}, true, false},
    Row{{Check::lxcpath, "lxcpath", Check::lxc}, true, false},
    Row{{Check::backing_store, "backing store", Check::lxcpath}, true, false},
    Row{{Check::lxd_socket, "lxd socket", Check::shell}, false, true},
    Row{{Check::lxd_server, "lxd", Check::lxd_socket}, false, true},
    Row{{Check::lxd_members, "cluster", Check::lxd_server}, false, true},
    Row{{Check::lxd_storage, "storage", Check::lxd_server}, false, true},
    Row{{Check::lxd_copy, "ephemeral copy", Check::lxd_storage}, false, true},
    Row{{Check::cache, "cache", std::nullopt}},
    Row{{Check::mux_dir, "mux dir", std::nullopt}},
};

std::vector<CheckSpec> checks_for(bool lxd) {
  std::vector<CheckSpec> out;
  for (const Row& row : kRows)
    if (lxd ? row.lxd : row.lxc) out.push_back(row.spec);
  return out;
}

// A sync response's metadata, or nullptr.
const nlohmann::json* metadata_of(const nlohmann::json& response) {
  if (!response.is_object() || response.value("type", "") != "sync") return nullptr;
  const auto it = response.find("metadata");
  return it == response.end() ? nullptr : &*it;
}

// Each object of a list answer as (its `first` key's text, its `second` key's text).
std::optional<std::vector<std::pair<std::string, std::string>>> pairs_of(std::string_view body, const char* first,
                                                                         const char* second) {
  const nlohmann::json response = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* list = metadata_of(response);
  if (list == nullptr || !list->is_array()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const nlohmann::json& item : *list) {
    if (!item.is_object() || !item.contains(first) || !item[first].is_string()) return std::nullopt;
    const auto other = item.find(second);
    out.emplace_back(item[first].get<std::string>(),
                     other != item.end() && other->is_string() ? other->get<std::string>() : "");
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(trim(text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

std::span<const CheckSpec> checks(bool lxd) {
  static const std::vector<CheckSpec> lxc_checks = checks_for(false), lxd_checks = checks_for(true);
  return lxd ? lxd_checks : lxc_checks;
}

const CheckSpec& spec(Check id) {
  for (const Row& row : kRows)
    if (row.spec.id == id) return row.spec;
  return kRows.front().spec;  // unreachable: every Check is in the table
}

std::optional<Check> blocked_by(Check id, std::span<const Result> done) {
  const auto needs = spec(id).needs;
  if (!needs) return std::nullopt;
  for (const Result& result : done) {
    if (result.id != *needs) continue;
    if (result.status == Status::ok) return std::nullopt;
    if (result.status == Status::fail) return result.id;
    // Skipped itself: wait for what it waits for (its detail names no id, so walk the table).
    return blocked_by(result.id, done).value_or(result.id);
  }
  return needs;  // not run at all
}

std::string render(const Result& result) {
  const std::string_view name = spec(result.id).name;
  switch (result.status) {
    case Status::ok:
      return fmt::format("ok  {:>6} ms  {}: {}\n", result.ms, name, result.detail);
    case Status::fail:
      return fmt::format("FAIL{:>6} ms  {}: {}\n      fix: {}\n", result.ms, name, result.detail, result.fix);
    case Status::skip:
      break;
  }
  return fmt::format("skip            {}: not checked, waits for {}\n", name, result.detail);
}

std::string summary(std::span<const Result> results) {
  const auto count = [&](Status status) {
    return std::count_if(results.begin(), results.end(), [&](const Result& r) { return r.status == status; });
  };
  const auto failed = count(Status::fail), skipped = count(Status::skip), passed = count(Status::ok);
  if (failed == 0 && skipped == 0) return fmt::format("all {} checks passed", passed);
  return fmt::format("{} failed, {} skipped, {} passed", failed, skipped, passed);
}

std::optional<std::string> parse_lxc_version(std::string_view output) {
  const std::string_view version = trim(output);
  if (version.empty() || version.find('\n') != std::string_view::npos) return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(version.front()))) return std::nullopt;
  const bool version_chars = std::all_of(version.begin(), version.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '~' || c == '+';
  });
  if (!version_chars || version.find('.') == std::string_view::npos) return std::nullopt;
  return std::string(version);
}

int lxc_major(std::string_view version) {
  int major = 0;
  for (char c : version) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    major = major * 10 + (c - '0');
    if (major > 1000) return 0;
  }
  return major;
}

std::string tool_scan_script(std::span<const std::string> wanted, std::span<const std::string> asked, bool sudo) {
  auto words = [](auto&& tools) {
    std::string text;
    for (const std::string& tool : tools) text += " " + quote_word(tool);
    return text;
  };
  if (!sudo)
    return "for t in" + words(wanted) +
           "; do if p=$(command -v \"$t\"); then echo \"found $p\"; else echo \"missing $t\"; fi; done";
  std::vector<std::string> others;
  for (const std::string& tool : wanted)
    if (std::find(asked.begin(), asked.end(), tool) == asked.end()) others.push_back(tool);
  return "r=$(for t in" + words(asked) +
         "; do (if o=$(sudo -n -l \"$t\" 2>&1); then echo \"found $o\"; "
         "else case $o in *'command not found'*) "
         "if p=$(command -v \"$t\"); then echo \"elsewhere $p\"; else echo \"missing $t\"; fi;; "
         "*) echo \"refused $t\";; esac; fi) & done; wait); echo \"$r\"; "
         "d=$(echo \"$r\" | sed -n 's|^found \\(/.*\\)/[^/]*$|\\1|p' | head -n 1); "
         "for t in" + words(others) +
         "; do if [ -n \"$d\" ] && [ -x \"$d/$t\" ]; then echo \"found $d/$t\"; else echo \"missing $t\"; fi; done";
}

ToolScan scan_tools(std::string_view output, std::span<const std::string> wanted) {
  ToolScan scan;
  const std::vector<std::string_view> lines = lines_of(output);
  // The line `kind` has for `tool`: a path ending in /TOOL, or (refused) the name itself.
  auto line_for = [&](std::string_view kind, const std::string& tool) -> std::optional<std::string_view> {
    for (std::string_view line : lines) {
      if (line.size() <= kind.size() || line.substr(0, kind.size()) != kind || line[kind.size()] != ' ') continue;
      const std::string_view rest = line.substr(kind.size() + 1);
      const auto slash = rest.rfind('/');
      if ((slash != std::string_view::npos && rest.substr(slash + 1) == tool) || rest == tool) return rest;
    }
    return std::nullopt;
  };
  auto dir_of = [](std::string_view path) { return std::string(path.substr(0, path.rfind('/'))); };
  for (const std::string& tool : wanted) {
    if (const auto path = line_for("found", tool); path && path->find('/') != std::string_view::npos) {
      scan.found.push_back(tool);
      if (scan.dir.empty()) scan.dir = dir_of(*path);
      continue;
    }
    scan.missing.push_back(tool);
    if (line_for("refused", tool)) scan.refused.push_back(tool);
    const auto elsewhere = line_for("elsewhere", tool);
    if (elsewhere && scan.elsewhere.empty() && elsewhere->find('/') != std::string_view::npos)
      scan.elsewhere = dir_of(*elsewhere);
  }
  return scan;
}

std::vector<std::string> required_tools(int major) {
  // list/ls/completion, attach and its Ctrl-C, proxy's lookups, start/stop; clone and
  // start-ephemeral need lxc-copy from LXC 2.0 on (lxc-clone before).
  std::vector<std::string> tools = {"lxc-ls", "lxc-info", "lxc-attach", "lxc-start", "lxc-stop"};
  tools.emplace_back(major >= 2 ? "lxc-copy" : "lxc-clone");
  return tools;
}

BackingStore classify_backing_store(std::string_view fs_type, std::string_view overlay) {
  const std::string_view fs = trim(fs_type);
  if (fs.empty()) return {false, "the filesystem type of the lxcpath could not be read"};
  if (fs == "btrfs" || fs == "zfs")
    return {true, fmt::format("{}: native snapshots (lxc-copy -s -B {})", fs, fs)};
  if (fs == "overlayfs")
    return {false, "overlayfs: lxc-copy -s makes an overlay whose writable layer would be on overlayfs, which the "
                   "kernel refuses"};
  const std::string_view how = trim(overlay);
  if (how == "loaded")
    return {true, fmt::format("{}: no native snapshots; lxc-copy -s uses overlay (in /proc/filesystems)", fs)};
  if (how == "module")
    return {true, fmt::format("{}: no native snapshots; lxc-copy -s uses overlay (module, loaded on first use)", fs)};
  return {false, fmt::format("{}: no native snapshots and the kernel has no overlay filesystem", fs)};
}

std::string snapshot_kind(std::string_view lxc_info_output, std::string_view fs_type) {
  std::string_view value = trim(lxc_info_output.substr(0, lxc_info_output.find('\n')));
  if (const auto equals = value.find('='); equals != std::string_view::npos) value = trim(value.substr(equals + 1));
  const auto colon = value.find(':');
  if (colon != std::string_view::npos && colon > 0 && value.front() != '/') {
    const std::string_view type = value.substr(0, colon);
    return std::string(type == "overlayfs" ? "overlay" : type);
  }
  if (value.find(":/") != std::string_view::npos) return "overlay";
  const std::string_view fs = trim(fs_type);
  if (fs == "btrfs" || fs == "zfs") return std::string(fs);
  return "dir";
}

std::string lxc_error_text(std::string_view stderr_text) {
  for (std::string_view line : lines_of(stderr_text)) {
    if (line.empty()) continue;
    if (const auto source = line.find(".c: "); source != std::string_view::npos) line.remove_prefix(source + 4);
    return std::string(line);
  }
  return {};
}

std::optional<std::string> parse_posix_probe(std::string_view output, int exit_code) {
  constexpr std::string_view prefix = "posix ";
  if (exit_code != 0 || output.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view shell = trim(output.substr(prefix.size()));
  return std::string(shell.empty() ? "sh" : shell);
}

std::string sudoers_line(std::string_view user, std::string_view tool_dir) {
  return fmt::format("{} ALL=(root) NOPASSWD: {}/lxc-*", user, tool_dir.empty() ? "/usr/bin" : tool_dir);
}

std::string fix_secure_path(std::string_view tool_dir) {
  return fmt::format("on the host, add {} to secure_path in /etc/sudoers (with visudo)", tool_dir);
}

std::string fix_backing_store(std::string_view fs_type, std::string_view lxcpath) {
  const std::string_view fs = trim(fs_type);
  if (fs == "overlayfs")
    return fmt::format("move the lxcpath off overlayfs: set lxcpath in lxhost's config (and lxc.lxcpath in the "
                       "host's lxc.conf) to a directory on ext4, xfs or btrfs instead of {}",
                       lxcpath);
  if (fs.empty()) return fmt::format("on the host, as root: stat -f {} and lxc-copy -s by hand show why", lxcpath);
  return fmt::format("on the host, as root: modprobe overlay and add overlay to /etc/modules (or put {} on btrfs)",
                     lxcpath);
}

std::string known_hosts_name(std::string_view host, unsigned port) {
  if (port == 22) return std::string(host);
  return fmt::format("[{}]:{}", host, port);
}

std::string keyscan_type(std::string_view fingerprint) {
  const std::string_view type = fingerprint.substr(0, fingerprint.find(' '));
  if (type == "ssh-ed25519") return "ed25519";
  if (type.substr(0, 6) == "ecdsa-") return "ecdsa";
  if (type == "ssh-rsa" || type == "rsa-sha2-256" || type == "rsa-sha2-512") return "rsa";
  return {};
}

std::string fix_unknown_host_key(std::string_view host, unsigned port, std::string_view fingerprint,
                                 std::string_view known_hosts) {
  const std::string type = keyscan_type(fingerprint);
  return fmt::format("compare {} with `ssh-keygen -lf /etc/ssh/ssh_host_{}_key.pub` on the host, then run "
                     "`ssh-keyscan -p {}{}{} {} >> {}`",
                     fingerprint, type.empty() ? "ed25519" : type, port, type.empty() ? "" : " -t ", type, host,
                     known_hosts);
}

std::string fix_changed_host_key(std::string_view host, unsigned port, std::string_view known_hosts) {
  return fmt::format("only if the host was reinstalled: `ssh-keygen -f {} -R '{}'`, then run doctor again to add the "
                     "new key",
                     known_hosts, known_hosts_name(host, port));
}

std::optional<LxdServer> parse_lxd_server(std::string_view body) {
  const nlohmann::json response = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* server = metadata_of(response);
  if (server == nullptr || !server->is_object()) return std::nullopt;
  try {
    LxdServer out;
    out.api_version = server->value("api_version", "");
    out.trusted = server->value("auth", "") == "trusted";
    const nlohmann::json environment = server->value("environment", nlohmann::json::object());
    out.server_version = environment.value("server_version", "");
    out.server_name = environment.value("server_name", "");
    out.clustered = environment.value("server_clustered", false);
    return out;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a field of another type than LXD gives it
  }
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_lxd_members(std::string_view body) {
  return pairs_of(body, "server_name", "status");
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_lxd_pools(std::string_view body) {
  return pairs_of(body, "name", "driver");
}

std::string fix_lxd_group(std::string_view user, std::string_view group) {
  return fmt::format("on the host: sudo usermod -aG {} {} (LXD trusts root and its socket's group), then log in again",
                     group.empty() ? "lxd" : group, user);
}

std::string fix_streamlocal() {
  return "set AllowStreamLocalForwarding yes and AllowTcpForwarding yes in the host's sshd_config (sshd "
         "opens a channel to a unix socket only when both allow it), then reload sshd";
}

}  // namespace lxhost::doctor
