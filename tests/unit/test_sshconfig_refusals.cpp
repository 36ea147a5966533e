// What render_ssh_config refuses to write (values that could inject or change ssh_config, options
// lxhost leaves out, host names and addresses ssh would misread), with the file's position, and
// is_dns_name, its check of a host's name.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/sshconfig.hpp"
#include "sshconfig_snippet.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

using namespace lxhost;
using namespace lxhost::testing;

TEST_CASE("refused: values that could inject or change ssh_config, naming FILE:LINE:COL", "[sshconfig]") {
  struct Place {
    std::string table;
    std::string key;
  };
  const std::vector<Place> places = {
      {"ssh_config", "user"},
      {"ssh_config", "preferred_authentications"},
      {"ssh_config", "identity_file"},
      {"ssh_config.options", "ServerAliveInterval"},
      {"ssh_config.options", "ControlPath"},
      {"ssh_config.options", "LocalForward"},
      {"hosts.h", "user"},
      {"hosts.h", "identity_file"},
      {"hosts.h", "known_hosts"},
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"a\nProxyCommand evil", "control character"},
      {"a\rb", "control character"},
      {"a\tb", "control character"},
      {"a\x01" "b", "control character"},
      {"a\x1b[2Jb", "control character"},
      {"a\x7f" "b", "control character"},
      {"a\"b", "quote or a backslash"},
      {"\"quoted\"", "quote or a backslash"},
      {"it's", "quote or a backslash"},  // an unpaired ' makes ssh refuse the whole file
      {"a\\b", "quote or a backslash"},
      {"=a", "starts with '='"},
      {"#a", "starts with '#'"},
      {"a%", "'%'"},
      {"a%%%", "'%'"},
      {"a%z", "'%z'"},
  };
  for (const Place& place : places) {
    // [hosts.h] needs an address; it goes on line 3, after the value under test.
    const std::string tail = place.table == "hosts.h" ? "address = \"h.example\"\n" : "";
    for (const auto& [value, reason] : bad) {
      INFO(place.table << "." << place.key << " = " << toml_string(value));
      check_refused(one_value(place.table, place.key, value) + tail, {where_one_value(place.key) + ": ", reason});
    }
  }
}

TEST_CASE("refused: words of several-word options that ssh would read otherwise", "[sshconfig]") {
  // ssh ends the line at a word that starts with '#', and takes a first '=' as the separator
  // (found by fuzz/fuzz_sshconfig: `SendEnv LANG #LC_*` sent only LANG).
  check_refused(one_value("ssh_config.options", "SendEnv", "LANG #LC_*"),
                {"cfg.toml:2:11: ", "SendEnv value 'LANG #LC_*' has a word that starts with '#'"});
  check_refused(one_value("ssh_config.options", "LocalForward", "8080  #x"), {"cfg.toml:2:16: ", "starts with '#'"});
  check_refused(one_value("ssh_config.options", "IPQoS", "  #af21"), {"cfg.toml:2:9: ", "starts with '#'"});
  check_refused(one_value("ssh_config.options", "SetEnv", " =A=b"), {"cfg.toml:2:10: ", "starts with '='"});
  // Inside a word, or in a one-word value (double-quoted when it holds a blank), they stay.
  const std::string text = render(
      "[ssh_config.options]\nSendEnv = \"A#1 B=2\"\nSetEnv = \"X=#\"\nControlPath = \"~/a #b\"\n");
  CHECK(text.find("\n    SendEnv A#1 B=2\n    SetEnv X=#\n    ControlPath \"~/a #b\"\n") != std::string::npos);
}

TEST_CASE("refused: empty values of [ssh_config] and its options", "[sshconfig]") {
  for (const std::string key : {"user", "preferred_authentications", "identity_file"}) {
    for (const std::string value : {"", "   "}) {
      check_refused(one_value("ssh_config", key, value), {where_one_value(key) + ": ", "is empty"});
    }
  }
  for (const std::string value : {"", " "}) {
    check_refused(one_value("ssh_config.options", "SendEnv", value), {"cfg.toml:2:11: SendEnv is empty"});
  }
}

TEST_CASE("% tokens: only where ssh expands them, %% everywhere", "[sshconfig]") {
  check_refused(one_value("ssh_config", "user", "a%h"),
                {"cfg.toml:2:8: User value 'a%h' holds '%h', which ssh would expand"});
  check_refused(one_value("hosts.h", "user", "u%r") + "address = \"h.example\"\n", {"cfg.toml:2:8: ", "'%r'"});
  check_refused(one_value("ssh_config.options", "ServerAliveInterval", "3%d"), {"cfg.toml:2:23: ", "'%d'"});
  check_refused(one_value("ssh_config", "identity_file", "~/.ssh/id%"), {"cfg.toml:2:17: ", "holds '%'"});
  check_refused(one_value("ssh_config", "identity_file", "~/.ssh/id_%x"), {"cfg.toml:2:17: ", "holds '%x'"});
  // %% is a literal % for ssh in any option; the tokens of ssh_config(5) in the options that take them.
  CHECK(render(one_value("ssh_config", "user", "a%%b")).find("\n    User a%%b\n") != std::string::npos);
  CHECK(render(one_value("ssh_config", "preferred_authentications", "%%")).find("\n    PreferredAuthentications %%\n") !=
        std::string::npos);
  CHECK(render(one_value("ssh_config", "identity_file", "~/.ssh/id_%h")).find("\n    IdentityFile ~/.ssh/id_%h\n") !=
        std::string::npos);
  CHECK(render(one_value("ssh_config", "identity_file", "~/%d/%u/%%/%C/%r/%%%h")).find("IdentityFile ~/%d/%u/%%/%C/%r/%%%h\n") !=
        std::string::npos);
  CHECK(render(one_value("ssh_config.options", "ControlPath", "/tmp/cm-%C")).find("    ControlPath /tmp/cm-%C\n") !=
        std::string::npos);
  CHECK(render(one_value("ssh_config.options", "ServerAliveInterval", "30%%")).find("ServerAliveInterval 30%%\n") !=
        std::string::npos);
}

TEST_CASE("refused: unknown, structural and command options, with did-you-mean", "[sshconfig]") {
  check_refused(one_value("ssh_config.options", "ServerAliveIntervall", "30"),
                {"cfg.toml:2:24: ssh_config.options: 'ServerAliveIntervall' is not an option lxhost writes",
                 "(did you mean 'ServerAliveInterval'?)"});
  CHECK(refusal(one_value("ssh_config.options", "Frobnicate", "yes")).find("did you mean") == std::string::npos);
  for (const std::string key : {"Host", "Match", "Include", "ProxyCommand", "ProxyJump", "LocalCommand",
                                "PermitLocalCommand", "KnownHostsCommand", "RemoteCommand", "HostName", "User",
                                "IdentityFile", "PreferredAuthentications"}) {
    INFO(key);
    const std::string message = refusal(one_value("ssh_config.options", key, "x"));
    CHECK_THAT(message, Catch::StartsWith(where_one_value(key) + ": ssh_config.options: '" + key +
                                          "' is left out on purpose: "));
    CHECK(message.find("did you mean") == std::string::npos);
  }
  // Any spelling is the option ssh reads, and named as OpenSSH spells it.
  CHECK_THAT(refusal(one_value("ssh_config.options", "localcommand", "x")),
             Catch::Contains("'LocalCommand' is left out on purpose: it runs a command on this machine"));
  CHECK_THAT(refusal(one_value("ssh_config.options", "proxycommand", "x")), Catch::Contains("lxhost writes it"));
}

TEST_CASE("refused: host keys that are not DNS names, addresses that are neither names nor IPs", "[sshconfig]") {
  for (const std::string key : {"a b", "-x", "x-", "x_y", "a..b", "caf\xC3\xA9"}) {
    INFO(key);
    check_refused(fmt::format("[hosts.{}]\naddress = \"h.example\"\n", toml_string(key)),
                  {"host name '" + key + "' (a [hosts.*] key) is not a valid DNS name"});
  }
  for (const std::string address : {"not a host", "a_b.example", "-x.example", "x..y", "host:22", "a/b", "*.local",
                                    "!x.local", "10.0.0.1 evil"}) {
    INFO(address);
    check_refused("[hosts.h]\naddress = " + toml_string(address) + "\n",
                  {"cfg.toml:2:11: hosts.h.address '" + address + "' is not a host name or an IP address"});
  }
}

TEST_CASE("refusals of values not from a file carry no position, from the environment, its name", "[sshconfig]") {
  Config config = default_config();
  config.ssh_config.user.value = std::string("a\0b", 3);
  REQUIRE_THROWS_WITH(render_ssh_config(config, kHow), "User holds a control character (a line break?)");
  config.ssh_config.user = {"ok", {}};
  config.hosts.front().identity_file.set("id\"x", Origin{Origin::Kind::env, "LXHOST_X"});
  REQUIRE_THROWS_WITH(render_ssh_config(config, kHow), "LXHOST_X: IdentityFile value 'id\"x' holds a quote or a backslash");
}

TEST_CASE("is_dns_name", "[sshconfig]") {
  const std::string l63(63, 'a');
  const std::string l64(64, 'a');
  CHECK(is_dns_name("containers"));
  CHECK(is_dns_name("containers.local"));
  CHECK(is_dns_name("a-b.c-d.example"));
  CHECK(is_dns_name("x1.2y.3"));
  CHECK(is_dns_name("A.B"));
  CHECK(is_dns_name("containers.local."));  // the root's trailing dot
  CHECK(is_dns_name(l63));
  CHECK(is_dns_name(l63 + ".x"));
  CHECK_FALSE(is_dns_name(l64));
  CHECK_FALSE(is_dns_name("x." + l64));
  // 253 bytes in all (without the trailing dot), not 254.
  const std::string n253 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  REQUIRE(n253.size() == 253);
  CHECK(is_dns_name(n253));
  CHECK(is_dns_name(n253 + "."));
  CHECK_FALSE(is_dns_name(n253 + "b"));
  CHECK_FALSE(is_dns_name(n253 + "b."));
  CHECK_FALSE(is_dns_name(""));
  CHECK_FALSE(is_dns_name("."));
  CHECK_FALSE(is_dns_name(".x"));
  CHECK_FALSE(is_dns_name("x.."));
  CHECK_FALSE(is_dns_name("a..b"));
  CHECK_FALSE(is_dns_name("-a"));
  CHECK_FALSE(is_dns_name("a-"));
  CHECK_FALSE(is_dns_name("x.-a.y"));
  CHECK_FALSE(is_dns_name("x.a-.y"));
  CHECK_FALSE(is_dns_name("a_b"));
  CHECK_FALSE(is_dns_name("a b"));
  CHECK_FALSE(is_dns_name("*.local"));
  CHECK_FALSE(is_dns_name("caf\xC3\xA9"));
  CHECK_FALSE(is_dns_name(std::string("a\0b", 3)));
}
