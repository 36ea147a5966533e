// libFuzzer target: render_ssh_config on a Config built from the input (FuzzedDataProvider).
// Only ConfigError may come out. A snippet it writes has only comment, Host and option lines;
// each Host line names only the configured hosts and addresses (and *.local with its exclusions);
// no value adds a line, starts a comment or leaves a quote open; ProxyCommand's only % tokens
// are %h, %p and %%. abort() otherwise.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/sshconfig.hpp"

namespace {

const std::string* current_snippet = nullptr;  // shown when a check fails

void check(bool ok) {
  if (ok) return;
  if (current_snippet != nullptr) std::fprintf(stderr, "the snippet:\n%s", current_snippet->c_str());
  std::abort();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Realistic values half the time (so that the renderer gets past its refusals), any bytes else.
std::string pick(FuzzedDataProvider& in, std::initializer_list<const std::string_view> realistic) {
  if (in.ConsumeBool()) return std::string(in.PickValueInArray(realistic));
  return in.ConsumeRandomLengthString(64);
}

const lxhost::Origin kFile{lxhost::Origin::Kind::file, "fuzz.toml:1:1"};

void maybe_set(FuzzedDataProvider& in, lxhost::Setting<std::string>& setting,
               std::initializer_list<const std::string_view> realistic) {
  if (in.ConsumeBool()) setting.set(pick(in, realistic), kFile);
}

lxhost::Config make_config(FuzzedDataProvider& in) {
  lxhost::Config config = lxhost::default_config();
  config.source = pick(in, {"", "/home/me/.config/lxhost/config.toml", "cfg.toml"});
  if (in.ConsumeBool()) {
    config.hosts.clear();
    const int count = in.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < count; ++i) {
      lxhost::HostConfig host = lxhost::default_host_config(pick(in, {"containers", "lab", "Lab", "vm.local", "a-b"}));
      maybe_set(in, host.address, {"containers.local", "Containers.LOCAL", "10.0.0.5", "fd42::1", "host.example."});
      if (in.ConsumeBool()) host.port.set(in.ConsumeIntegralInRange(1, 65535), kFile);
      maybe_set(in, host.user, {"ubuntu", "me", ""});
      maybe_set(in, host.identity_file, {"~/.ssh/id_ed25519", "~/.ssh/%h key", "/keys/%%x"});
      maybe_set(in, host.known_hosts, {"~/.ssh/known_hosts", "~/a ~/b"});
      if (in.ConsumeBool()) host.host_key.set(lxhost::HostKeyPolicy::accept_new, kFile);
      config.hosts.push_back(std::move(host));
    }
  }
  lxhost::SshConfigConfig& ssh = config.ssh_config;
  maybe_set(in, ssh.user, {"root", "ubuntu"});
  maybe_set(in, ssh.preferred_authentications, {"publickey,password"});
  maybe_set(in, ssh.identity_file, {"~/.ssh/other", "~/.ssh/%u key"});
  ssh.via_host.value = in.PickValueInArray({lxhost::ViaHost::never, lxhost::ViaHost::always, lxhost::ViaHost::automatic});
  const int options = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < options; ++i) {
    std::string key = pick(in, {"ServerAliveInterval", "serveraliveinterval", "SendEnv", "LocalForward", "ControlPath",
                                "ProxyCommand", "Host", "Match", "Include", "RekeyLimit"});
    lxhost::Setting<std::string> value;
    value.set(pick(in, {"30", "LANG LC_*", "8080 localhost:80", "~/.ssh/cm-%C", "1G 1h", "yes"}), kFile);
    // As the config writes it: a string, or an integer / a boolean already spelled as ssh takes it.
    const auto written = in.PickValueInArray(
        {lxhost::SshOption::Written::string, lxhost::SshOption::Written::integer, lxhost::SshOption::Written::boolean});
    ssh.options.push_back(lxhost::SshOption{std::move(key), std::move(value), written});
  }
  return config;
}

// The arguments ssh reads from an option line's value: blank-separated words, a double-quoted
// word as one. Every word must be whole (no quote left open, no quote inside a word, no single
// quote or backslash at all), none may start a comment, and the first may not start with '='.
void check_arguments(std::string_view value) {
  check(value.find_first_of("'\\") == std::string_view::npos);
  std::size_t i = 0;
  int count = 0;
  while (true) {
    while (i < value.size() && value[i] == ' ') ++i;
    if (i == value.size()) break;
    check(value[i] != '#');
    check(count > 0 || value[i] != '=');  // ssh takes a first '=' as the separator after the name
    std::size_t end = 0;
    if (value[i] == '"') {
      end = value.find('"', i + 1);
      check(end != std::string_view::npos);
      ++end;
      check(end == value.size() || value[end] == ' ');
    } else {
      end = std::min(value.find(' ', i), value.size());
      check(value.substr(i, end - i).find('"') == std::string_view::npos);
    }
    ++count;
    i = end;
  }
  check(count > 0);
}

void check_proxy_command(std::string_view value) {
  for (std::size_t at = value.find('%'); at != std::string_view::npos; at = value.find('%', at + 2)) {
    check(at + 1 < value.size());
    check(std::string_view("%hp").find(value[at + 1]) != std::string_view::npos);
  }
}

void check_snippet(const lxhost::Config& config, const std::string& text) {
  std::set<std::string> names;     // what a host's own Host line may name
  std::set<std::string> excluded;  // what `Host *.local` may exclude
  for (const lxhost::HostConfig& host : config.hosts) {
    for (const std::string& name : {host.name, host.address.value}) {
      names.insert(name);
      names.insert(lower(name));
      excluded.insert("!" + lower(name));
    }
  }

  check(!text.empty() && text.back() == '\n');
  std::size_t host_lines = 0;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    for (char c : line) check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    if (line.empty()) continue;
    if (line.starts_with("# ")) {
      check(line_number <= 2);  // the header only
    } else if (line.starts_with("Host ")) {
      ++host_lines;
      const bool local = line.starts_with("Host *.local");
      check(local == (host_lines == config.hosts.size() + 1));
      std::string_view rest = line.substr(local ? 12 : 5);
      while (!rest.empty()) {
        if (local) {
          check(rest.front() == ' ');
          rest.remove_prefix(1);
        }
        const std::size_t space = std::min(rest.find(' '), rest.size());
        const std::string word(rest.substr(0, space));
        check(!word.empty());
        check(local ? excluded.contains(word) : names.contains(word));
        rest.remove_prefix(local ? space : std::min(space + 1, rest.size()));
      }
    } else {
      check(line.starts_with("    "));
      check(host_lines > 0);
      const std::string_view option = line.substr(4);
      const std::size_t space = option.find(' ');
      check(space != std::string_view::npos && space > 0);
      const std::string key(option.substr(0, space));
      for (char c : key) check(std::isalnum(static_cast<unsigned char>(c)) != 0);
      for (const std::string_view structural : {"host", "match", "include"}) check(lower(key) != structural);
      if (key == "ProxyCommand") {
        check_proxy_command(option.substr(space + 1));
      } else {
        check_arguments(option.substr(space + 1));
      }
    }
  }
  check(host_lines == config.hosts.size() + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const lxhost::Config config = make_config(in);
  lxhost::SshConfigRender how;
  how.lxhost_path = pick(in, {"/usr/bin/lxhost", "/opt/my tools/lxhost", "/x/100%/lxhost"});
  how.config_file = pick(in, {"", "/home/me/lxhost.toml", "/tmp/it's.toml"});
  std::string text;
  try {
    text = lxhost::render_ssh_config(config, how);
  } catch (const lxhost::ConfigError&) {
    return 0;
  }
  current_snippet = &text;
  check_snippet(config, text);
  current_snippet = nullptr;
  return 0;
}
