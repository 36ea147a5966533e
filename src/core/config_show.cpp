#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/config_keys.hpp"

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
std::string value_text(Backend v) { return toml_string(to_string(v)); }
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

// One row's line (or, for [ssh_config.options], lines) as `name = value  # origin`. A key that
// ~/.ssh/config decides until it is set says so while it is not.
void add_row(ShowLines& lines, const std::string& name, const ConfigKey& row, const SettingHome& home) {
  std::visit(
      [&]<class T>(T* target) {
        if constexpr (std::is_same_v<T, std::vector<SshOption>>) {
          for (const SshOption& option : *target) {
            lines.add(fmt::format("{}.{} = {}", name, toml_key(option.name), ssh_option_text(option)),
                      option.value.origin.describe());
          }
        } else if (row.ssh_config_first && !target->user_set()) {
          lines.add(fmt::format("{} = {}", name, value_text(target->value)), "default (~/.ssh/config may set it)");
        } else {
          lines.add(name, *target);
        }
      },
      row.setting(home));
}

}  // namespace

std::string render_config_show(const Config& config, const HostConfig& selected) {
  // The rows' accessors give pointers a reader writes through; these copies are only read.
  Config shown = config;
  HostConfig host = selected;
  ShowLines lines;
  lines.add(fmt::format("host = {}", toml_string(selected.name)), selected.selected_by.describe());
  for (const ConfigKey& row : config_keys())
    if (row.table == "hosts.NAME") add_row(lines, fmt::format("host.{}", row.key), row, SettingHome{nullptr, &host});

  lines.add(fmt::format("hosts = {}", value_text(config.host_names())), config.hosts_origin.describe());
  for (const ConfigKey& row : config_keys()) {
    if (row.setting == nullptr || row.table == "hosts.NAME" || row.table == "verbs.VERB") continue;
    const std::string name = row.table.empty() ? std::string(row.key) : fmt::format("{}.{}", row.table, row.key);
    add_row(lines, name, row, SettingHome{&shown});
  }

  for (VerbDefaults& verb : shown.verbs) {
    for (const ConfigKey& row : config_keys()) {
      if (row.table == "verbs.VERB") {
        add_row(lines, fmt::format("verbs.{}.{}", toml_key(verb.verb), row.key), row, SettingHome{nullptr, nullptr, &verb});
      }
    }
  }

  const std::string header =
      config.source.empty() ? "# config: none (built-in defaults)\n" : fmt::format("# config: {}\n", config.source);
  return header + lines.render();
}

}  // namespace lxhost
