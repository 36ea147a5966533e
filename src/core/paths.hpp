// Where lxhost keeps its files, derived from an environment value (pure: tests pass a map).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lxhost {

// A snapshot of environment variables. from_process() reads the real environment once, in app.cpp.
class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string, std::less<>> vars) : vars_(std::move(vars)) {}
  static Environment from_process();

  // The value, or nullopt when unset. An empty value counts as set.
  std::optional<std::string> get(std::string_view name) const;
  // The value when set and not empty.
  std::optional<std::string> get_nonempty(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

struct Paths {
  std::string home;            // $HOME
  std::string ssh_dir;         // $HOME/.ssh (libssh gets this, so $HOME is honoured, not passwd)
  std::string config_file;     // $XDG_CONFIG_HOME/lxhost/config.toml or ~/.config/lxhost/config.toml
  std::string cache_dir;       // $XDG_CACHE_HOME/lxhost or ~/.cache/lxhost
  std::string runtime_dir;     // $XDG_RUNTIME_DIR/lxhost or $TMPDIR/lxhost-UID (/tmp when unset)
};

// `uid` is only used for the runtime directory's fallback name.
// Relative XDG_* values are ignored, as the XDG spec says.
Paths paths_from_env(const Environment& env, unsigned uid);

// "~" and "~/x" become HOME and HOME/x; anything else is returned unchanged.
std::string expand_tilde(std::string_view path, std::string_view home);

}  // namespace lxhost
