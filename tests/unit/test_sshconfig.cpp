// render_ssh_config: the snippet `ssh-config --install` writes, a Host block per configured host
// and the `Host *.local` block with [ssh_config], its options and the ProxyCommand.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/sshconfig.hpp"
#include "sshconfig_snippet.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

using namespace lxhost;
using namespace lxhost::testing;

namespace {

const std::string kHeader =
    "# Written by `lxhost ssh-config --install` from cfg.toml; changes here are overwritten.\n"
    "# `lxhost ssh-config` shows what it would write; README's ssh section says what each line is for.\n";

}  // namespace

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
