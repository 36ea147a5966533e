#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/sshconfig.hpp"
#include "user_ssh_configs.hpp"

#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

using namespace lxhost;

namespace {

const SshConfigRender kHow{"/usr/bin/lxhost", ""};

std::string render(std::string_view toml, const SshConfigRender& how = kHow) {
  return render_ssh_config(parse_config(toml, "cfg.toml"), how);
}

// The ConfigError message render_ssh_config throws for the file, or "<rendered>" when it renders.
std::string refusal(std::string_view toml) {
  const Config config = parse_config(toml, "cfg.toml");  // outside the try: the file itself is valid
  try {
    render_ssh_config(config, kHow);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<rendered>";
}

// `key = value` on line 2 of `[table]`, so the value sits at cfg.toml:2:(key + 4).
std::string one_value(std::string_view table, std::string_view key, std::string_view value) {
  return fmt::format("[{}]\n{} = {}\n", table, key, toml_string(value));
}
std::string where_one_value(std::string_view key) { return fmt::format("cfg.toml:2:{}", key.size() + 4); }

// Checks that the file is refused with a message holding every part.
void check_refused(std::string_view toml, const std::vector<std::string>& parts) {
  const std::string message = refusal(toml);
  INFO("message: " << message);
  for (const std::string& part : parts) {
    INFO("expected in it: " << part);
    CHECK(message.find(part) != std::string::npos);
  }
}

// The lines of the `Host *.local...` block (its Host line first).
std::vector<std::string> local_block(const std::string& text) {
  const std::size_t at = text.find("\nHost *.local");
  REQUIRE(at != std::string::npos);
  std::vector<std::string> lines;
  std::size_t start = at + 1;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // every line ends in LF
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

const std::string kHeader =
    "# Written by `lxhost ssh-config --install` from cfg.toml; changes here are overwritten.\n"
    "# `lxhost ssh-config` shows what it would write; README's ssh section says what each line is for.\n";

}  // namespace

// ---------------------------------------------------------------------------------------------
// The snippet

TEST_CASE("two hosts: a block each, then *.local with [ssh_config] and ProxyCommand", "[sshconfig]") {
  const std::string text = render(R"(default_host = "lab"
[hosts.containers]
address = "containers.local"
[hosts.lab]
address = "192.168.1.20"
port = 2222
user = "admin"
identity_file = "~/.ssh/id_lab"
host_key = "accept-new"

[ssh_config]
user = "dev"
preferred_authentications = "publickey,keyboard-interactive"
identity_file = "~/.ssh/id_containers"
[ssh_config.options]
serveraliveinterval = "30"
Compression = "yes"
ControlPath = "~/.ssh/cm-%C"
)");
  CHECK(text == kHeader +
                    "\n"
                    "Host containers containers.local\n"
                    "    HostName containers.local\n"
                    "\n"
                    "Host lab 192.168.1.20\n"
                    "    HostName 192.168.1.20\n"
                    "    Port 2222\n"
                    "    User admin\n"
                    "    IdentityFile ~/.ssh/id_lab\n"
                    "    StrictHostKeyChecking accept-new\n"
                    "\n"
                    "Host *.local !containers.local\n"
                    "    User dev\n"
                    "    PreferredAuthentications publickey,keyboard-interactive\n"
                    "    IdentityFile ~/.ssh/id_containers\n"
                    "    ServerAliveInterval 30\n"
                    "    Compression yes\n"
                    "    ControlPath ~/.ssh/cm-%C\n"
                    "    ProxyCommand /usr/bin/lxhost proxy %h %p\n");
}

TEST_CASE("the built-in defaults render", "[sshconfig]") {
  CHECK(render_ssh_config(default_config(), kHow) ==
        "# Written by `lxhost ssh-config --install` from lxhost's built-in defaults; changes here are overwritten.\n"
        "# `lxhost ssh-config` shows what it would write; README's ssh section says what each line is for.\n"
        "\n"
        "Host containers containers.local\n"
        "    HostName containers.local\n"
        "\n"
        "Host *.local !containers.local\n"
        "    User ubuntu\n"
        "    PreferredAuthentications publickey\n"
        "    IdentityFile ~/.ssh/id_ed25519\n"
        "    ProxyCommand /usr/bin/lxhost proxy %h %p\n");
  // A file that sets nothing renders the same blocks.
  const std::string empty_file = render("# nothing\n");
  CHECK(empty_file.substr(empty_file.find("\n\n")) ==
        render_ssh_config(default_config(), kHow).substr(render_ssh_config(default_config(), kHow).find("\n\n")));
}

TEST_CASE("a host's Port, User, IdentityFile, known_hosts and host key only when the file sets them", "[sshconfig]") {
  SECTION("defaults restated in the file are written: the file set them") {
    const std::string text = render(R"([hosts.h]
address = "h.example"
port = 22
user = "me"
known_hosts = "~/.ssh/known_hosts_%h"
host_key = "strict"
)");
    CHECK(text.find("Host h h.example\n"
                    "    HostName h.example\n"
                    "    Port 22\n"
                    "    User me\n"
                    "    UserKnownHostsFile ~/.ssh/known_hosts_%h\n"
                    "\nHost *.local\n") != std::string::npos);
    CHECK(text.find("StrictHostKeyChecking") == std::string::npos);  // strict is ssh's default
  }
  SECTION("nothing set: HostName only") {
    const std::string text = render("[hosts.h]\naddress = \"h.example\"\n");
    CHECK(text.find("Host h h.example\n    HostName h.example\n\nHost *.local\n") != std::string::npos);
  }
  SECTION("an empty user or identity_file means 'not lxhost's business': no line") {
    const std::string text = render("[hosts.h]\naddress = \"h.example\"\nuser = \"\"\nidentity_file = \"\"\n");
    CHECK(text.find("Host h h.example\n    HostName h.example\n\nHost *.local\n") != std::string::npos);
  }
  SECTION("a value with a blank is one double-quoted argument") {
    const std::string text = render("[hosts.h]\naddress = \"h.example\"\nidentity_file = \"~/my keys/id\"\n"
                                    "known_hosts = \"~/my keys/kh\"\n");
    CHECK(text.find("    IdentityFile \"~/my keys/id\"\n    UserKnownHostsFile \"~/my keys/kh\"\n") != std::string::npos);
  }
  SECTION("an IPv6 address, and a host named like its address") {
    const std::string text = render(R"(default_host = "v6"
[hosts.v6]
address = "fd00::5"
[hosts."same.example"]
address = "same.example"
)");
    CHECK(text.find("\nHost v6 fd00::5\n    HostName fd00::5\n") != std::string::npos);
    CHECK(text.find("\nHost same.example\n    HostName same.example\n") != std::string::npos);
    CHECK(text.find("\nHost *.local\n") != std::string::npos);  // nothing .local to exclude
  }
}

TEST_CASE("*.local excludes every configured .local name, lower-cased, once", "[sshconfig]") {
  const std::string text = render(R"(default_host = "a"
[hosts.a]
address = "Box.Local"
[hosts."box.local"]
address = "10.0.0.1"
[hosts.c]
address = "c.example"
[hosts."d.LOCAL"]
address = "d.local"
[hosts.e]
address = "e.local."
)");
  CHECK(local_block(text).front() == "Host *.local !box.local !d.local");
  // ssh matches Host patterns case-sensitively: whatever is excluded lower-cased must be matched
  // by the host's own block, or `ssh d.local` would get no block at all.
  CHECK(text.find("\nHost a Box.Local box.local\n    HostName Box.Local\n") != std::string::npos);
  CHECK(text.find("\nHost box.local 10.0.0.1\n    HostName 10.0.0.1\n") != std::string::npos);
  CHECK(text.find("\nHost c c.example\n") != std::string::npos);
  CHECK(text.find("\nHost d.LOCAL d.local\n    HostName d.local\n") != std::string::npos);
  CHECK(text.find("\nHost e e.local.\n") != std::string::npos);  // a trailing dot is not .local
}

TEST_CASE("extra options: file order, OpenSSH's spelling, several-word options as words", "[sshconfig]") {
  const std::string text = render(R"([ssh_config.options]
serveraliveinterval = "30"
STRICTHOSTKEYCHECKING = "accept-new"
ipqos = "af21 cs1"
LocalForward = "8080 localhost:80"
SendEnv = "LANG LC_*"
UserKnownHostsFile = "~/.ssh/kh1 ~/.ssh/kh2_%h"
CertificateFile = "~/my certs/id-cert.pub"
ConnectTimeout = "5"
)");
  const std::vector<std::string> expected = {
      "Host *.local !containers.local",
      "    User ubuntu",
      "    PreferredAuthentications publickey",
      "    IdentityFile ~/.ssh/id_ed25519",
      "    ServerAliveInterval 30",
      "    StrictHostKeyChecking accept-new",
      "    IPQoS af21 cs1",
      "    LocalForward 8080 localhost:80",
      "    SendEnv LANG LC_*",
      "    UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2_%h",
      "    CertificateFile \"~/my certs/id-cert.pub\"",
      "    ConnectTimeout 5",
      "    ProxyCommand /usr/bin/lxhost proxy %h %p",
  };
  CHECK(local_block(text) == expected);
}

TEST_CASE("ProxyCommand: via_host, -c FILE, and paths quoted for the shell with % doubled", "[sshconfig]") {
  auto proxy_line = [](std::string_view toml, const SshConfigRender& how) {
    for (const std::string& line : local_block(render(toml, how)))
      if (line.starts_with("    ProxyCommand")) return line;
    return std::string("<none>");
  };
  const std::string automatic = "[ssh_config]\nvia_host = \"auto\"\n";
  CHECK(proxy_line(automatic, kHow) == "    ProxyCommand /usr/bin/lxhost proxy %h %p");
  CHECK(proxy_line("[ssh_config]\nvia_host = \"always\"\n", kHow) ==
        "    ProxyCommand /usr/bin/lxhost proxy --via-host %h %p");
  CHECK(proxy_line("[ssh_config]\nvia_host = \"never\"\n", kHow) == "<none>");
  CHECK(render("[ssh_config]\nvia_host = \"never\"\n").find("ProxyCommand") == std::string::npos);
  CHECK(proxy_line(automatic, {"/usr/bin/lxhost", "/home/u/.config/lxhost/config.toml"}) ==
        "    ProxyCommand /usr/bin/lxhost -c /home/u/.config/lxhost/config.toml proxy %h %p");
  CHECK(proxy_line("[ssh_config]\nvia_host = \"always\"\n", {"/usr/bin/lxhost", "/etc/lxhost.toml"}) ==
        "    ProxyCommand /usr/bin/lxhost -c /etc/lxhost.toml proxy --via-host %h %p");
  CHECK(proxy_line(automatic, {"/opt/my tools/lxhost", ""}) == "    ProxyCommand '/opt/my tools/lxhost' proxy %h %p");
  CHECK(proxy_line(automatic, {"/opt/50%/lxhost", ""}) == "    ProxyCommand /opt/50%%/lxhost proxy %h %p");
  CHECK(proxy_line(automatic, {"/opt/a b%h/lxhost", "/home/u/my %d.toml"}) ==
        "    ProxyCommand '/opt/a b%%h/lxhost' -c '/home/u/my %%d.toml' proxy %h %p");
  CHECK(proxy_line(automatic, {"/opt/it's/lxhost", ""}) == "    ProxyCommand '/opt/it'\\''s/lxhost' proxy %h %p");
  for (const std::string& bad : std::vector<std::string>{"/opt/a\nProxyJump evil/lxhost", "/opt/a\rb", std::string("/opt/a\0b", 7)}) {
    REQUIRE_THROWS_AS(render(automatic, {bad, ""}), ConfigError);
    REQUIRE_THROWS_AS(render(automatic, {"/usr/bin/lxhost", bad}), ConfigError);
    REQUIRE_THROWS_WITH(render(automatic, {bad, ""}), Catch::Contains("control character"));
  }
}

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

TEST_CASE("extra options: integers and booleans where ssh takes a number or yes/no, as ssh spells them", "[sshconfig]") {
  const std::string text = render(R"([ssh_config.options]
ServerAliveInterval = 30
Compression = true
ForwardAgent = false
ControlPersist = 600
Port = 2222
)");
  const std::vector<std::string> block = local_block(text);
  for (const std::string line : {"    ServerAliveInterval 30", "    Compression yes", "    ForwardAgent no",
                                 "    ControlPersist 600", "    Port 2222"}) {
    INFO(line);
    CHECK(std::find(block.begin(), block.end(), line) != block.end());
  }
  check_refused("[ssh_config.options]\nCiphers = 30\n",
                {"cfg.toml:2:11: ssh_config.options: Ciphers takes no number: write its value as a string"});
  check_refused("[ssh_config.options]\nServerAliveInterval = true\n",
                {"cfg.toml:2:23: ssh_config.options: ServerAliveInterval takes no yes or no"});
  check_refused("[ssh_config.options]\nLocalCommand = true\n", {"'LocalCommand' is left out on purpose"});
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

TEST_CASE("refusals of values not from a file carry no position; from the environment, its name", "[sshconfig]") {
  Config config = default_config();
  config.ssh_config.user.value = std::string("a\0b", 3);
  REQUIRE_THROWS_WITH(render_ssh_config(config, kHow), "User holds a control character (a line break?)");
  config.ssh_config.user = {"ok", {}};
  config.hosts.front().identity_file.set("id\"x", Origin{Origin::Kind::env, "LXHOST_X"});
  REQUIRE_THROWS_WITH(render_ssh_config(config, kHow), "LXHOST_X: IdentityFile value 'id\"x' holds a quote or a backslash");
}

TEST_CASE("the config file's path goes into a comment: no line breaks in it", "[sshconfig]") {
  Config config = default_config();
  config.source = "/home/u/x\nProxyCommand evil.toml";
  REQUIRE_THROWS_AS(render_ssh_config(config, kHow), ConfigError);
  config.source = "/home/u/caf\xC3\xA9 dir/config.toml";
  CHECK(render_ssh_config(config, kHow).starts_with("# Written by `lxhost ssh-config --install` from /home/u/caf\xC3\xA9 dir/config.toml;"));
}

TEST_CASE("every rendered line is a comment, blank, a Host line or an indented option", "[sshconfig]") {
  const std::string text = render(R"(default_host = "lab"
[hosts.lab]
address = "10.1.2.3"
user = "x y"
[ssh_config.options]
SetEnv = "A=1 B=2"
)");
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string line = text.substr(start, end - start);
    INFO(line);
    CHECK((line.empty() || line.starts_with("# ") || line.starts_with("Host ") || line.starts_with("    ")));
    start = end + 1;
  }
  CHECK(text.find("    User \"x y\"\n") != std::string::npos);
  CHECK(text.find("    SetEnv A=1 B=2\n") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// DNS names

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

// ---------------------------------------------------------------------------------------------
// The Include line

TEST_CASE("with_include puts the line first in the file's line-ending style; without_include takes it away",
          "[sshconfig]") {
  const std::string ours(kIncludeLine);
  CHECK(ours == "Include ~/.ssh/config.d/lxhost.conf");
  struct Case {
    std::string user;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"Host a\n  User b\n", ours + "\nHost a\n  User b\n"},
      {"Host a\r\n  User b\r\n", ours + "\r\nHost a\r\n  User b\r\n"},
      {"Host a", ours + "\nHost a"},
      {"Host a\r\n  User b", ours + "\r\nHost a\r\n  User b"},
      {"Host a\n  User b\r\n", ours + "\nHost a\n  User b\r\n"},  // the first line decides
      {"Host a\r", ours + "\nHost a\r"},
      {"", ours + "\n"},
      {"\n", ours + "\n\n"},
      {"\r\n", ours + "\r\n\r\n"},
      {"Match all\n\tUser x\n", ours + "\nMatch all\n\tUser x\n"},
      {"Include ~/.ssh/config.d/lxhost.conf.bak\n", ours + "\nInclude ~/.ssh/config.d/lxhost.conf.bak\n"},
      {"Include ~/.ssh/config.d/lxhost.conf.bak", ours + "\nInclude ~/.ssh/config.d/lxhost.conf.bak"},
      {"Include ~/.ssh/config.d/lxhost.conf ", ours + "\nInclude ~/.ssh/config.d/lxhost.conf "},
      {" Include ~/.ssh/config.d/lxhost.conf\n", ours + "\n Include ~/.ssh/config.d/lxhost.conf\n"},
  };
  for (const Case& c : cases) {
    INFO(toml_string(c.user));
    CHECK_FALSE(has_include(c.user));
    CHECK(without_include(c.user) == c.user);
    const std::string with = with_include(c.user);
    CHECK(with == c.expected);
    CHECK(has_include(with));
    CHECK(with_include(with) == with);
    CHECK(without_include(with) == c.user);
  }
}

TEST_CASE("a file that already has the line", "[sshconfig]") {
  const std::string ours(kIncludeLine);
  SECTION("first, with a line ending") {
    for (const std::string eol : {"\n", "\r\n"}) {
      const std::string text = ours + eol + "Host a" + eol;
      CHECK(has_include(text));
      CHECK(with_include(text) == text);
      CHECK(without_include(text) == "Host a" + eol);
    }
  }
  SECTION("first and only, without a line ending") {
    CHECK(has_include(ours));
    CHECK(with_include(ours) == ours);
    CHECK(without_include(ours).empty());
  }
  SECTION("elsewhere: with_include leaves it alone; without_include only takes the first line") {
    for (const std::string& text : {"Host a\n" + ours + "\n", "# mine\r\n" + ours + "\r\nHost b\r\n", "Host a\n" + ours}) {
      CHECK(has_include(text));
      CHECK(with_include(text) == text);
      CHECK(without_include(text) == text);
    }
  }
  SECTION("lines that start like it but go on are not it") {
    for (const std::string& text : std::vector<std::string>{ours + ".bak\n", ours + ".bak", ours + " \n", ours + "x", ours + "\r\rHost a\n",
                                   "#" + ours + "\n", "include ~/.ssh/config.d/lxhost.conf\n"}) {
      INFO(toml_string(text));
      CHECK_FALSE(has_include(text));
      CHECK(without_include(text) == text);
    }
  }
}

TEST_CASE("property: with_include / without_include over generated user configs", "[sshconfig][property]") {
  testing::UserSshConfigs generate(20240605);
  const std::string ours(kIncludeLine);
  std::size_t crlf_first = 0;
  std::size_t no_final_newline = 0;
  constexpr std::size_t kCases = 5000;
  for (std::size_t i = 0; i < kCases; ++i) {
    const std::string x = generate.next();
    INFO("case " << i << ": " << toml_string(x));
    REQUIRE_FALSE(has_include(x));
    REQUIRE(without_include(x) == x);
    const std::string y = with_include(x);
    const std::size_t newline = x.find('\n');
    const bool crlf = newline != std::string::npos && newline > 0 && x[newline - 1] == '\r';
    if (crlf) ++crlf_first;
    if (!x.empty() && !x.ends_with('\n')) ++no_final_newline;
    REQUIRE(y == ours + (crlf ? "\r\n" : "\n") + x);
    REQUIRE(has_include(y));
    REQUIRE(without_include(y) == x);
    REQUIRE(with_include(y) == y);
  }
  // The generator covers what it claims to.
  CHECK(crlf_first > kCases / 5);
  CHECK(no_final_newline > kCases / 5);
}
