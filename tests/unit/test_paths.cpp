#include "catch.hpp"

#include "core/paths.hpp"

#include <cstdlib>

using lxhost::Environment;
using lxhost::expand_tilde;
using lxhost::paths_from_env;

TEST_CASE("Environment tells unset, empty and set apart", "[paths]") {
  const Environment env{{{"EMPTY", ""}, {"HOME", "/home/ann"}}};
  CHECK(env.get("HOME") == std::optional<std::string>{"/home/ann"});
  CHECK(env.get("EMPTY") == std::optional<std::string>{""});
  CHECK(env.get("UNSET") == std::nullopt);
  CHECK(env.get_nonempty("EMPTY") == std::nullopt);
  CHECK(env.get_nonempty("HOME") == std::optional<std::string>{"/home/ann"});
}

TEST_CASE("Environment::from_process reads the real environment", "[paths]") {
  const char* path = std::getenv("PATH");
  REQUIRE(path != nullptr);
  CHECK(Environment::from_process().get("PATH") == std::optional<std::string>{path});
  CHECK(Environment::from_process().get("LXHOST_SURELY_NOT_SET_0x7f") == std::nullopt);
}

TEST_CASE("paths without XDG variables live under HOME and TMPDIR", "[paths]") {
  const auto paths = paths_from_env(Environment{{{"HOME", "/home/ann"}, {"TMPDIR", "/var/tmp/"}}}, 501);
  CHECK(paths.home == "/home/ann");
  CHECK(paths.ssh_dir == "/home/ann/.ssh");
  CHECK(paths.config_file == "/home/ann/.config/lxhost/config.toml");
  CHECK(paths.cache_dir == "/home/ann/.cache/lxhost");
  CHECK(paths.runtime_dir == "/var/tmp/lxhost-501");
}

TEST_CASE("paths honour absolute XDG variables", "[paths]") {
  const auto paths = paths_from_env(Environment{{{"HOME", "/home/ann"},
                                                 {"XDG_CONFIG_HOME", "/cfg"},
                                                 {"XDG_CACHE_HOME", "/cache/"},
                                                 {"XDG_RUNTIME_DIR", "/run/user/1000"},
                                                 {"TMPDIR", "/var/tmp"}}},
                                    1000);
  CHECK(paths.ssh_dir == "/home/ann/.ssh");
  CHECK(paths.config_file == "/cfg/lxhost/config.toml");
  CHECK(paths.cache_dir == "/cache/lxhost");
  CHECK(paths.runtime_dir == "/run/user/1000/lxhost");
}

TEST_CASE("relative or empty XDG variables are ignored", "[paths]") {
  const auto paths = paths_from_env(Environment{{{"HOME", "/home/ann"},
                                                 {"XDG_CONFIG_HOME", "cfg"},
                                                 {"XDG_CACHE_HOME", ""},
                                                 {"XDG_RUNTIME_DIR", "run"}}},
                                    7);
  CHECK(paths.config_file == "/home/ann/.config/lxhost/config.toml");
  CHECK(paths.cache_dir == "/home/ann/.cache/lxhost");
  CHECK(paths.runtime_dir == "/tmp/lxhost-7");
}

TEST_CASE("the runtime directory falls back to /tmp without TMPDIR", "[paths]") {
  CHECK(paths_from_env(Environment{{{"HOME", "/h"}}}, 0).runtime_dir == "/tmp/lxhost-0");
  CHECK(paths_from_env(Environment{{{"HOME", "/h"}, {"TMPDIR", ""}}}, 3).runtime_dir == "/tmp/lxhost-3");
  CHECK(paths_from_env(Environment{{{"HOME", "/h"}, {"TMPDIR", "tmp"}}}, 3).runtime_dir == "/tmp/lxhost-3");
}

TEST_CASE("an unset HOME is taken as /", "[paths]") {
  const auto paths = paths_from_env(Environment{}, 42);
  CHECK(paths.home == "/");
  CHECK(paths.ssh_dir == "/.ssh");
  CHECK(paths.config_file == "/.config/lxhost/config.toml");
  CHECK(paths.cache_dir == "/.cache/lxhost");
  CHECK(paths.runtime_dir == "/tmp/lxhost-42");
}

TEST_CASE("expand_tilde expands ~ and ~/ only", "[paths]") {
  CHECK(expand_tilde("~", "/home/ann") == "/home/ann");
  CHECK(expand_tilde("~/.ssh/id_ed25519", "/home/ann") == "/home/ann/.ssh/id_ed25519");
  CHECK(expand_tilde("~/x", "/home/ann/") == "/home/ann/x");
  CHECK(expand_tilde("~/x", "/") == "/x");
  CHECK(expand_tilde("~/", "/home/ann") == "/home/ann/");
  CHECK(expand_tilde("~bob/x", "/home/ann") == "~bob/x");
  CHECK(expand_tilde("/etc/~/x", "/home/ann") == "/etc/~/x");
  CHECK(expand_tilde("x/~", "/home/ann") == "x/~");
  CHECK(expand_tilde("", "/home/ann") == "");
}
