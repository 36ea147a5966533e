#include "commands/context.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/host_spec.hpp"
#include "core/state_files.hpp"
#include "mux/client.hpp"
#include "mux/socket.hpp"

namespace lxhost {
namespace {

std::optional<std::string> read_config_file(const std::string& path, bool required) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT && !required) return std::nullopt;
    throw ConfigError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) throw ConfigError(fmt::format("{}: is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot be read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Context::Context(Invocation invocation, Environment env, Paths paths, Services services)
    : invocation_(std::move(invocation)),
      env_(std::move(env)),
      paths_(std::move(paths)),
      services_(std::move(services)),
      log_(invocation_.options.verbosity) {}

std::string Context::config_path() const {
  if (invocation_.options.config_file) return expand_tilde(invocation_.options.config_file->value, paths_.home);
  return paths_.config_file;
}

const Config& Context::config() {
  if (!config_) {
    const std::string path = config_path();
    if (auto text = read_config_file(path, config_path_required())) {
      config_ = parse_config(*text, path);
    } else {
      config_ = default_config();
    }
    if (invocation_.options.no_mux) config_->mux.enabled.set(false, *invocation_.options.no_mux);
    log_.debug("config: {}", config_->source.empty() ? "built-in defaults" : config_->source);
  }
  return *config_;
}

void Context::refuse_one_host(std::string_view command, std::string_view command_host) const {
  const auto& global = invocation_.options.host;
  if (command_host.empty() && !global) return;
  throw UsageError(fmt::format("{}: --all-hosts and -H {} ask for different hosts: give one of them", command,
                               command_host.empty() ? std::string_view(global->value) : command_host));
}

Context Context::for_host(const HostConfig& host) {
  Invocation invocation = invocation_;
  // As if given -H NAME: a master it starts is told which host it serves.
  invocation.options.host = Setting<std::string>{host.name, {Origin::Kind::flag, "-H"}};
  Context other(std::move(invocation), env_, paths_, services_);
  other.config_ = config();
  other.host_ = host;
  return other;
}

const HostConfig& Context::host() {
  if (!host_) host_ = select_host(config(), invocation_.options.host);
  return *host_;
}

RemoteContext Context::remote_context() {
  const HostConfig& selected = host();
  return RemoteContext{selected.sudo.value, selected.lxcpath.value};
}

std::uint32_t Context::mux_protocol() const {
  const auto value = env_.get_nonempty("LXHOST_MUX_PROTOCOL");  // tests only: another version
  return mux::protocol_version(value ? value->c_str() : nullptr);
}

std::string Context::mux_socket_path() {
  return socket_path(mux::private_dir(paths_), host(), config().source);
}

Transport& Context::transport() {
  if (!transport_) transport_ = services_.transport(*this);
  return *transport_;
}

Discovery& Context::discovery() {
  if (!discovery_) discovery_ = services_.discovery(*this);
  return *discovery_;
}

LocalAddresses Context::resolve_local(std::string_view name) {
  const auto bound = std::chrono::milliseconds(config().discovery.resolve_timeout_ms.value);
  try {
    return {discovery().resolve(name, IpFamily::any, bound), "mDNS found no address in time", ""};
  } catch (const MdnsUnavailable& e) {
    log_.warn("{}; asking the system resolver for {}", e.what(), name);
    auto found = services_.system_addresses(std::string(name), bound);
    if (!found)
      return {{},
              fmt::format("mDNS is not available and the system resolver gave no answer within {} ms (resolve_timeout_ms)",
                          bound.count()),
              e.what()};
    return {std::move(*found), "mDNS is not available and the system resolver found no address", e.what()};
  }
}

}  // namespace lxhost
