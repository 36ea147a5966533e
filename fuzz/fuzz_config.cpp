// libFuzzer target: parse_config over any bytes. Only ConfigError may come out; a config that
// parses has a default host that select_host finds, and the TOML spellings `config show` uses
// (toml_key, toml_string) read back as the same host name and address. abort() otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"
#include "core/sshconfig.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// `[hosts.NAME]` with `address = ADDRESS`, spelled as `config show` spells them, parsed back.
void check_spelling(const lxhost::HostConfig& host) {
  const std::string text = "[hosts." + lxhost::toml_key(host.name) + "]\naddress = " +
                           lxhost::toml_string(host.address.value) + "\n";
  const lxhost::Config again = lxhost::parse_config(text, "again.toml");  // throws: a finding too
  check(again.hosts.size() == 1);
  check(again.hosts[0].name == host.name);
  check(again.hosts[0].address.value == host.address.value);
  check(again.default_host.value == host.name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lxhost::Config config;
  try {
    config = lxhost::parse_config(text, "fuzz.toml");
  } catch (const lxhost::ConfigError&) {
    return 0;
  }
  check(!config.hosts.empty());
  check(config.find_host(config.default_host.value) != nullptr);
  const lxhost::HostConfig selected = lxhost::select_host(config, std::nullopt);
  check(selected.name == config.default_host.value);
  for (const lxhost::HostConfig& host : config.hosts) check_spelling(host);

  // What the parsed config feeds: `config show` and `ssh-config` (which may refuse values).
  (void)lxhost::render_config_show(config, selected);
  try {
    (void)lxhost::render_ssh_config(config, {"/usr/bin/lxhost", "fuzz.toml"});
  } catch (const lxhost::ConfigError&) {
  }
  return 0;
}
