#include <fmt/format.h>

#include "config.hpp"

namespace lxhost {

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (const auto byte = static_cast<unsigned char>(c); byte < 0x20 || byte == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
        } else {
          out += c;  // UTF-8 passes through; TOML files are UTF-8
        }
    }
  }
  out += '"';
  return out;
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                          "0123456789_-") == std::string_view::npos;
  return bare ? std::string{key} : toml_string(key);
}

namespace {

std::string value_text(const std::string& v) { return toml_string(v); }
std::string value_text(int v) { return std::to_string(v); }
std::string value_text(bool v) { return v ? "true" : "false"; }
std::string value_text(HostKeyPolicy v) { return toml_string(to_string(v)); }
std::string value_text(ViaHost v) { return toml_string(to_string(v)); }
std::string value_text(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const std::string& item : v) out += (out.size() > 1 ? ", " : "") + toml_string(item);
  return out + "]";
}

// As the file wrote it: 30, true, "x".
std::string ssh_option_text(const SshOption& option) {
  switch (option.written) {
    case SshOption::Written::integer: return option.value.value;
    case SshOption::Written::boolean: return option.value.value == "yes" ? "true" : "false";
    case SshOption::Written::string: break;
  }
  return toml_string(option.value.value);
}

// `key = value` lines with their origin comments, aligned when rendered.
class ShowLines {
 public:
  void add(std::string left, std::string comment) { lines_.push_back({std::move(left), std::move(comment)}); }

  template <class T>
  void add(std::string_view key, const Setting<T>& setting) {
    add(fmt::format("{} = {}", key, value_text(setting.value)), setting.origin.describe());
  }

  std::string render() const {
    std::size_t width = 0;
    for (const Line& line : lines_) width = std::max(width, line.left.size());
    std::string out;
    for (const Line& line : lines_) {
      out += line.left;
      if (!line.comment.empty()) out += std::string(width - line.left.size() + 2, ' ') + "# " + line.comment;
      out += '\n';
    }
    return out;
  }

 private:
  struct Line {
    std::string left;
    std::string comment;
  };
  std::vector<Line> lines_;
};

// user, port and identity_file are only given to libssh when set, so ~/.ssh/config decides until then.
template <class T>
void add_ssh_overridable(ShowLines& lines, std::string_view key, const Setting<T>& setting) {
  if (setting.user_set()) {
    lines.add(key, setting);
  } else {
    lines.add(fmt::format("{} = {}", key, value_text(setting.value)), "default (~/.ssh/config may set it)");
  }
}

}  // namespace

std::string render_config_show(const Config& config, const HostConfig& selected) {
  ShowLines lines;
  lines.add(fmt::format("host = {}", toml_string(selected.name)), selected.selected_by.describe());
  lines.add("host.address", selected.address);
  add_ssh_overridable(lines, "host.port", selected.port);
  add_ssh_overridable(lines, "host.user", selected.user);
  add_ssh_overridable(lines, "host.identity_file", selected.identity_file);
  lines.add("host.sudo", selected.sudo);
  lines.add("host.lxcpath", selected.lxcpath);
  lines.add("host.host_key", selected.host_key);
  lines.add("host.known_hosts", selected.known_hosts);
  lines.add("host.connect_timeout_ms", selected.connect_timeout_ms);

  lines.add(fmt::format("hosts = {}", value_text(config.host_names())), config.hosts_origin.describe());
  lines.add("default_host", config.default_host);

  lines.add("discovery.resolve_timeout_ms", config.discovery.resolve_timeout_ms);
  lines.add("discovery.browse_timeout_ms", config.discovery.browse_timeout_ms);
  lines.add("discovery.services", config.discovery.services);
  lines.add("completion.cache_ttl_s", config.completion.cache_ttl_s);
  lines.add("mux.enabled", config.mux.enabled);
  lines.add("mux.idle_timeout_s", config.mux.idle_timeout_s);
  lines.add("ssh_config.user", config.ssh_config.user);
  lines.add("ssh_config.preferred_authentications", config.ssh_config.preferred_authentications);
  lines.add("ssh_config.identity_file", config.ssh_config.identity_file);
  lines.add("ssh_config.via_host", config.ssh_config.via_host);
  for (const SshOption& option : config.ssh_config.options) {
    lines.add(fmt::format("ssh_config.options.{} = {}", toml_key(option.name), ssh_option_text(option)),
              option.value.origin.describe());
  }

  for (const VerbDefaults& verb : config.verbs) lines.add("verbs." + toml_key(verb.verb) + ".args", verb.args);

  const std::string header =
      config.source.empty() ? "# config: none (built-in defaults)\n" : fmt::format("# config: {}\n", config.source);
  return header + lines.render();
}

}  // namespace lxhost
