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
#include "discovery/make.hpp"
#include "mux/client.hpp"
#include "mux/socket.hpp"
#include "self_path.hpp"
#include "transport/libssh_transport.hpp"
#include "transport/tcp_connect.hpp"

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

Context::Context(Invocation invocation, Environment env, Paths paths)
    : invocation_(std::move(invocation)),
      env_(std::move(env)),
      paths_(std::move(paths)),
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

const HostConfig& Context::host() {
  if (!host_) host_ = select_host(config(), invocation_.options.host);
  return *host_;
}

RemoteContext Context::remote_context() {
  const HostConfig& selected = host();
  return RemoteContext{selected.sudo.value, selected.lxcpath.value};
}

std::unique_ptr<Transport> Context::direct_transport() {
  return make_libssh_transport(host(), paths_, log_, [this](std::string_view name) { return resolve_local(name); });
}

std::vector<std::string> Context::master_argv() const {
  std::vector<std::string> argv = {self_executable().string()};
  if (config_path_required()) argv.insert(argv.end(), {"-c", config_path()});
  // What it says until it is ready reaches our stderr: as verbose as we are.
  if (invocation_.options.verbosity < 0) argv.emplace_back("-q");
  if (invocation_.options.verbosity > 0) argv.emplace_back("-v");
  if (invocation_.options.host) argv.insert(argv.end(), {"-H", invocation_.options.host->value});
  argv.emplace_back("__mux-master");
  return argv;
}

std::uint32_t Context::mux_protocol() const {
  const auto value = env_.get_nonempty("LXHOST_MUX_PROTOCOL");  // tests only: another version
  return mux::protocol_version(value ? value->c_str() : nullptr);
}

std::string Context::mux_socket_path() {
  return socket_path(mux::private_dir(paths_), host(), config().source);
}

Transport& Context::transport() {
  if (!transport_) {
    if (config().mux.enabled.value) {
      mux::ClientSetup setup{host(), paths_, log_, config().source, master_argv(), mux_protocol(),
                             [this] { return direct_transport(); }};
      // mDNS (a hung daemon is given up on after 1.5x its bound), then the system resolver.
      if (is_local_name(host().address.value))
        setup.resolve_bound = 3 * std::chrono::milliseconds(config().discovery.resolve_timeout_ms.value);
      transport_ = mux::make_mux_transport(std::move(setup));
    } else {
      transport_ = direct_transport();
    }
  }
  return *transport_;
}

Discovery& Context::discovery() {
  if (!discovery_) {
#ifdef __APPLE__
    constexpr std::string_view platform_default = "dnssd";
#else
    constexpr std::string_view platform_default = "avahi";
#endif
    const auto chosen = env_.get_nonempty("LXHOST_MDNS_BACKEND");
    discovery_ = make_discovery(chosen ? std::string_view(*chosen) : platform_default, log_);
  }
  return *discovery_;
}

LocalAddresses Context::resolve_local(std::string_view name) {
  const auto bound = std::chrono::milliseconds(config().discovery.resolve_timeout_ms.value);
  try {
    return {discovery().resolve(name, IpFamily::any, bound), "mDNS found no address in time"};
  } catch (const MdnsUnavailable& e) {
    log_.warn("{}; asking the system resolver for {}", e.what(), name);
    auto found = system_addresses_within(std::string(name), bound);
    if (!found)
      return {{}, fmt::format("mDNS is not available and the system resolver gave no answer within {} ms (resolve_timeout_ms)", bound.count())};
    return {std::move(*found), "mDNS is not available and the system resolver found no address"};
  }
}

}  // namespace lxhost
