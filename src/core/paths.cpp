#include "core/paths.hpp"

#include <string>

// POSIX: the process environment. Declared here because macOS's <unistd.h> does not.
extern "C" char** environ;

namespace lxhost {

Environment Environment::from_process() {
  std::map<std::string, std::string, std::less<>> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text{*entry};
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    // emplace keeps the first of duplicate names, as getenv() does.
    vars.emplace(std::string{text.substr(0, eq)}, std::string{text.substr(eq + 1)});
  }
  return Environment{std::move(vars)};
}

std::optional<std::string> Environment::get(std::string_view name) const {
  const auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Environment::get_nonempty(std::string_view name) const {
  auto value = get(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

namespace {

// dir + "/" + name, without doubling a trailing slash ("/" + ".ssh" is "/.ssh").
std::string join(std::string_view dir, std::string_view name) {
  std::string out{dir};
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

// An XDG_* directory is honoured only when absolute (XDG Base Directory spec).
std::optional<std::string> absolute_dir(const Environment& env, std::string_view name) {
  auto value = env.get_nonempty(name);
  if (!value || value->front() != '/') return std::nullopt;
  return value;
}

}  // namespace

Paths paths_from_env(const Environment& env, unsigned uid) {
  Paths paths;
  // No (or an empty) HOME: "/" keeps every path absolute; libssh and ssh would be as lost.
  paths.home = env.get_nonempty("HOME").value_or("/");
  paths.ssh_dir = join(paths.home, ".ssh");

  const auto config_home = absolute_dir(env, "XDG_CONFIG_HOME");
  paths.config_file = join(join(config_home ? *config_home : join(paths.home, ".config"), "lxhost"), "config.toml");

  const auto cache_home = absolute_dir(env, "XDG_CACHE_HOME");
  paths.cache_dir = join(cache_home ? *cache_home : join(paths.home, ".cache"), "lxhost");

  // XDG_RUNTIME_DIR is per user already; the TMPDIR fallback is shared, hence the uid suffix.
  // A relative TMPDIR is ignored like a relative XDG_* value.
  if (const auto runtime = absolute_dir(env, "XDG_RUNTIME_DIR")) {
    paths.runtime_dir = join(*runtime, "lxhost");
  } else {
    const auto tmp = absolute_dir(env, "TMPDIR");
    paths.runtime_dir = join(tmp ? *tmp : "/tmp", "lxhost-" + std::to_string(uid));
  }
  return paths;
}

std::string expand_tilde(std::string_view path, std::string_view home) {
  // "~user" is left alone: we never look up other users.
  if (home.empty() || path.empty() || path[0] != '~') return std::string{path};
  if (path.size() == 1) return std::string{home};
  if (path[1] != '/') return std::string{path};
  return join(home, path.substr(2));
}

}  // namespace lxhost
