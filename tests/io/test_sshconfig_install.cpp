#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/paths.hpp"
#include "core/sshconfig.hpp"
#include "sshconfig_install.hpp"
#include "user_ssh_configs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

using namespace lxhost;
namespace fs = std::filesystem;

namespace {

const std::string kSnippet = "# lxhost's snippet\nHost *.local\n    User ubuntu\n";
const std::string kOurs = std::string(kIncludeLine);

// A fresh directory under /tmp standing for $HOME, removed at the end of the test.
class TempHome {
 public:
  TempHome() {
    std::string pattern = "/tmp/lxhost-sshconfig-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~TempHome() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;

  const std::string& dir() const { return dir_; }
  SshConfigFiles files() const { return ssh_config_files(Paths{dir_, dir_ + "/.ssh", "", "", ""}); }

 private:
  std::string dir_;
};

std::optional<std::string> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_bytes(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.good());
  }
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

void make_dir(const std::string& path, mode_t mode) {
  REQUIRE(::mkdir(path.c_str(), mode) == 0);
  REQUIRE(::chmod(path.c_str(), mode) == 0);  // whatever the umask
}

bool exists_no_follow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Permission bits of the file itself (a symlink is followed).
mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// What tells a rewrite from no write: the inode (a rename gives a new one) and the mtime.
struct Stamp {
  ino_t inode;
  long long mtime_ns;
  bool operator==(const Stamp&) const = default;
};
Stamp stamp_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return {st.st_ino, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// The line ending with_include must use for `text`: its first line's.
std::string eol_of(const std::string& text) {
  const std::size_t newline = text.find('\n');
  return newline != std::string::npos && newline > 0 && text[newline - 1] == '\r' ? "\r\n" : "\n";
}

// Install, install again, uninstall, uninstall again over an existing ~/.ssh/config holding
// `original` with `mode`, checking bytes, modes and "nothing rewritten" at each step.
void check_round_trip(const TempHome& home, const std::string& original, mode_t mode) {
  const SshConfigFiles f = home.files();
  write_bytes(f.config, original, mode);

  install_ssh_config(f, kSnippet);
  REQUIRE(read_bytes(f.config) == kOurs + eol_of(original) + original);
  CHECK(mode_of(f.config) == mode);
  CHECK(read_bytes(f.backup) == original);
  CHECK(mode_of(f.backup) == mode);
  CHECK(read_bytes(f.snippet) == kSnippet);
  CHECK(mode_of(f.snippet) == 0600);
  CHECK(mode_of(f.ssh_dir + "/config.d") == 0700);

  const Stamp config_stamp = stamp_of(f.config);
  const Stamp backup_stamp = stamp_of(f.backup);
  install_ssh_config(f, kSnippet);
  CHECK(read_bytes(f.config) == kOurs + eol_of(original) + original);
  CHECK(stamp_of(f.config) == config_stamp);
  CHECK(mode_of(f.config) == mode);
  CHECK(read_bytes(f.backup) == original);
  CHECK(stamp_of(f.backup) == backup_stamp);
  CHECK(read_bytes(f.snippet) == kSnippet);

  uninstall_ssh_config(f);
  REQUIRE(read_bytes(f.config) == original);
  CHECK(mode_of(f.config) == mode);
  CHECK_FALSE(exists_no_follow(f.snippet));

  const Stamp restored = stamp_of(f.config);
  uninstall_ssh_config(f);
  CHECK(read_bytes(f.config) == original);
  CHECK(stamp_of(f.config) == restored);
  CHECK(mode_of(f.config) == mode);
  CHECK_FALSE(exists_no_follow(f.snippet));
  // No temporary files left behind next to what was written.
  for (const std::string& name : names_in(f.ssh_dir)) CHECK(name.find(".tmp.") == std::string::npos);
}

}  // namespace

TEST_CASE("ssh_config_files: the paths under ~/.ssh", "[sshconfig][install]") {
  const SshConfigFiles f = ssh_config_files(Paths{"/home/u", "/home/u/.ssh", "", "", ""});
  CHECK(f.ssh_dir == "/home/u/.ssh");
  CHECK(f.config == "/home/u/.ssh/config");
  CHECK(f.snippet == "/home/u/.ssh/config.d/lxhost.conf");
  CHECK(f.backup == "/home/u/.ssh/config.lxhost-backup");
  CHECK(f.made_marker == "/home/u/.ssh/config.d/.lxhost-made-this-directory");
}

TEST_CASE("no ~/.ssh at all: everything created private, uninstall takes it all back", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  const SshConfigReport report = install_ssh_config(f, kSnippet);
  CHECK_FALSE(report.done.empty());
  CHECK(mode_of(f.ssh_dir) == 0700);
  CHECK(mode_of(f.ssh_dir + "/config.d") == 0700);
  CHECK(read_bytes(f.snippet) == kSnippet);
  CHECK(mode_of(f.snippet) == 0600);
  CHECK(read_bytes(f.config) == kOurs + "\n");
  CHECK(mode_of(f.config) == 0600);
  CHECK_FALSE(exists_no_follow(f.backup));  // there was no original to save
  CHECK(names_in(f.ssh_dir) == std::set<std::string>{"config", "config.d"});

  const Stamp config_stamp = stamp_of(f.config);
  install_ssh_config(f, kSnippet);
  CHECK(stamp_of(f.config) == config_stamp);
  CHECK_FALSE(exists_no_follow(f.backup));

  uninstall_ssh_config(f);
  CHECK_FALSE(exists_no_follow(f.config));  // lxhost created it: it goes
  CHECK_FALSE(exists_no_follow(f.snippet));
  CHECK_FALSE(exists_no_follow(f.backup));
  CHECK(names_in(f.ssh_dir).empty());  // config.d, which it made, goes too; ~/.ssh stays

  const SshConfigReport again = uninstall_ssh_config(f);
  CHECK(again.done == std::vector<std::string>{"nothing to remove"});
}

TEST_CASE("an existing ~/.ssh/config: our line first, the user's bytes and mode kept, given back exactly",
          "[sshconfig][install]") {
  struct Case {
    const char* what;
    std::string text;
    mode_t mode;
  };
  const std::vector<Case> cases = {
      {"LF, 0644", "Host *.local\n    User me\n\nHost work\n    HostName 10.1.1.1\n", 0644},
      {"CRLF, no final newline, 0600", "# mine\r\nHost a\r\n\tUser b\r\nMatch host *.corp exec \"vpn-up\"\r\n  ProxyJump gw", 0600},
      {"Match blocks and Includes of other files, 0640",
       "Include ~/.ssh/other.conf\nInclude ~/.ssh/config.d/lxhost.conf.bak\nMatch all\n  ServerAliveInterval 10\n", 0640},
      {"UTF-8 and a BOM, 0600", "\xEF\xBB\xBF# caf\xC3\xA9 \xE2\x9C\x93\nHost \xC3\xBC.example\n", 0600},
      {"one line, no newline, read-only 0400", "Host x", 0400},
      {"an empty file, 0644", "", 0644},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      TempHome home;
      make_dir(home.dir() + "/.ssh", 0700);
      check_round_trip(home, c.text, c.mode);
      CHECK(mode_of(home.dir() + "/.ssh") == 0700);
    }
  }
}

TEST_CASE("a config that already holds our line: left alone, no backup", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  make_dir(f.ssh_dir, 0700);
  const std::string text = "Host a\n  User b\n" + kOurs + "\n";
  write_bytes(f.config, text, 0644);
  const Stamp before = stamp_of(f.config);
  install_ssh_config(f, kSnippet);
  CHECK(read_bytes(f.config) == text);
  CHECK(stamp_of(f.config) == before);
  CHECK_FALSE(exists_no_follow(f.backup));
  CHECK(read_bytes(f.snippet) == kSnippet);
}

TEST_CASE("uninstall: an Include line the user moved is left where it is, and said so", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  make_dir(f.ssh_dir, 0700);
  const std::string text = "Host a\n  User b\n" + kOurs + "\n";
  write_bytes(f.config, text, 0644);
  install_ssh_config(f, kSnippet);
  const SshConfigReport report = uninstall_ssh_config(f);
  CHECK(read_bytes(f.config) == text);
  CHECK_FALSE(exists_no_follow(f.snippet));
  REQUIRE(report.done.size() == 3);
  CHECK_THAT(report.done[0], Catch::Contains("it is not the first line"));
  CHECK_THAT(report.done[1], Catch::Contains("removed " + f.snippet));
  CHECK_THAT(report.done[2], Catch::Contains("removed " + f.ssh_dir + "/config.d"));
}

TEST_CASE("the snippet is replaced by a new install, the config is not touched again", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  install_ssh_config(f, kSnippet);
  const Stamp config_stamp = stamp_of(f.config);
  install_ssh_config(f, "# newer\n");
  CHECK(read_bytes(f.snippet) == "# newer\n");
  CHECK(mode_of(f.snippet) == 0600);
  CHECK(stamp_of(f.config) == config_stamp);
}

TEST_CASE("~/.ssh's mode: 0700 stays 0700, and lxhost leaves a 0755 one as it is", "[sshconfig][install]") {
  for (const mode_t mode : {mode_t{0700}, mode_t{0755}}) {
    TempHome home;
    const SshConfigFiles f = home.files();
    make_dir(f.ssh_dir, mode);
    install_ssh_config(f, kSnippet);
    CHECK(mode_of(f.ssh_dir) == mode);
    CHECK(mode_of(f.ssh_dir + "/config.d") == 0700);
    uninstall_ssh_config(f);
    CHECK(mode_of(f.ssh_dir) == mode);
  }
}

TEST_CASE("an existing ~/.ssh/config.d and its other files are left alone", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  make_dir(f.ssh_dir, 0700);
  make_dir(f.ssh_dir + "/config.d", 0750);
  write_bytes(f.ssh_dir + "/config.d/work.conf", "Host work\n", 0644);
  install_ssh_config(f, kSnippet);
  uninstall_ssh_config(f);
  CHECK(mode_of(f.ssh_dir + "/config.d") == 0750);
  CHECK(names_in(f.ssh_dir + "/config.d") == std::set<std::string>{"work.conf"});
  CHECK(read_bytes(f.ssh_dir + "/config.d/work.conf") == "Host work\n");
}

TEST_CASE("config.d made by the install: removed by the uninstall unless the user put files in it",
          "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  install_ssh_config(f, kSnippet);
  CHECK(names_in(f.ssh_dir + "/config.d") == std::set<std::string>{"lxhost.conf", ".lxhost-made-this-directory"});
  write_bytes(f.ssh_dir + "/config.d/work.conf", "Host work\n", 0600);
  const SshConfigReport report = uninstall_ssh_config(f);
  CHECK(names_in(f.ssh_dir + "/config.d") == std::set<std::string>{"work.conf"});
  CHECK(report.done.back() == fmt::format("left {}/config.d: other files are in it", f.ssh_dir));

  TempHome made;
  const SshConfigFiles g = made.files();
  install_ssh_config(g, kSnippet);
  CHECK(uninstall_ssh_config(g).done.back() == fmt::format("removed {}/config.d (lxhost had created it)", g.ssh_dir));
}

TEST_CASE("an empty ~/.ssh/config.d the user had stays after the uninstall", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  make_dir(f.ssh_dir, 0700);
  make_dir(f.ssh_dir + "/config.d", 0700);
  install_ssh_config(f, kSnippet);
  uninstall_ssh_config(f);
  CHECK(names_in(f.ssh_dir) == std::set<std::string>{"config.d"});
  CHECK(names_in(f.ssh_dir + "/config.d").empty());
}

TEST_CASE("a symlinked ~/.ssh/config is edited through the link", "[sshconfig][install]") {
  for (const bool relative : {true, false}) {
    TempHome home;
    const SshConfigFiles f = home.files();
    make_dir(f.ssh_dir, 0700);
    make_dir(home.dir() + "/dotfiles", 0755);
    const std::string target = home.dir() + "/dotfiles/ssh_config";
    const std::string link_text = relative ? "../dotfiles/ssh_config" : target;
    const std::string original = "Host *\r\n  AddKeysToAgent yes\r\n";
    write_bytes(target, original, 0644);
    REQUIRE(::symlink(link_text.c_str(), f.config.c_str()) == 0);

    install_ssh_config(f, kSnippet);
    REQUIRE(fs::is_symlink(fs::symlink_status(f.config)));
    CHECK(fs::read_symlink(f.config).string() == link_text);
    CHECK(read_bytes(target) == kOurs + "\r\n" + original);
    CHECK(mode_of(target) == 0644);
    CHECK(read_bytes(f.backup) == original);
    CHECK(fs::is_regular_file(fs::symlink_status(f.backup)));
    CHECK(names_in(home.dir() + "/dotfiles") == std::set<std::string>{"ssh_config"});

    const Stamp target_stamp = stamp_of(target);
    install_ssh_config(f, kSnippet);
    CHECK(stamp_of(target) == target_stamp);

    uninstall_ssh_config(f);
    REQUIRE(fs::is_symlink(fs::symlink_status(f.config)));
    CHECK(fs::read_symlink(f.config).string() == link_text);
    CHECK(read_bytes(target) == original);
    CHECK(mode_of(target) == 0644);
    CHECK_FALSE(exists_no_follow(f.snippet));
  }
}

TEST_CASE("a config that cannot be edited: a clear Failure and nothing written", "[sshconfig][install]") {
  TempHome home;
  const SshConfigFiles f = home.files();
  make_dir(f.ssh_dir, 0700);
  SECTION("a dangling symlink") {
    const std::string link_text = home.dir() + "/dotfiles/missing";
    REQUIRE(::symlink(link_text.c_str(), f.config.c_str()) == 0);
    REQUIRE_THROWS_AS(install_ssh_config(f, kSnippet), Failure);
    REQUIRE_THROWS_WITH(install_ssh_config(f, kSnippet), Catch::Contains(f.config + ": cannot follow the symlink"));
    CHECK(names_in(f.ssh_dir) == std::set<std::string>{"config"});
    CHECK(fs::read_symlink(f.config).string() == link_text);
    CHECK_FALSE(exists_no_follow(home.dir() + "/dotfiles"));
    REQUIRE_THROWS_AS(uninstall_ssh_config(f), Failure);
  }
  SECTION("a symlink loop") {
    REQUIRE(::symlink("config", f.config.c_str()) == 0);
    REQUIRE_THROWS_AS(install_ssh_config(f, kSnippet), Failure);
    CHECK(names_in(f.ssh_dir) == std::set<std::string>{"config"});
  }
  SECTION("a directory") {
    make_dir(f.config, 0700);
    REQUIRE_THROWS_AS(install_ssh_config(f, kSnippet), Failure);
    REQUIRE_THROWS_WITH(install_ssh_config(f, kSnippet), Catch::Contains(f.config + ": not a regular file"));
    CHECK(names_in(f.ssh_dir) == std::set<std::string>{"config"});
    CHECK(names_in(f.config).empty());
    REQUIRE_THROWS_AS(uninstall_ssh_config(f), Failure);
  }
  SECTION("~/.ssh is a file") {
    TempHome other;
    const SshConfigFiles g = other.files();
    write_bytes(g.ssh_dir, "not a directory\n", 0600);
    REQUIRE_THROWS_AS(install_ssh_config(g, kSnippet), Failure);
    CHECK(read_bytes(g.ssh_dir) == "not a directory\n");
    CHECK(names_in(other.dir()) == std::set<std::string>{".ssh"});
  }
}

TEST_CASE("property: install, install again, uninstall over generated user configs", "[sshconfig][install][property]") {
  testing::UserSshConfigs generate(977);
  std::mt19937 random(31337);
  const std::vector<mode_t> modes = {0600, 0644, 0640, 0400, 0604};
  constexpr std::size_t kCases = 250;
  for (std::size_t i = 0; i < kCases; ++i) {
    const std::string original = generate.next();
    const mode_t mode = modes[random() % modes.size()];
    INFO("case " << i << ", mode " << std::oct << mode << std::dec << ": " << toml_string(original));
    REQUIRE_FALSE(has_include(original));
    TempHome home;
    make_dir(home.dir() + "/.ssh", 0700);
    check_round_trip(home, original, mode);
    CHECK(mode_of(home.dir() + "/.ssh") == 0700);
  }
}
