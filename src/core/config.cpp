#include "core/config.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/config_keys.hpp"
#include "core/errors.hpp"
#include "core/suggest.hpp"
#include "core/toml_guard.hpp"
#include "core/verbs.hpp"

namespace lxhost::embedded {
extern const std::string_view config_example;  // config/config.example.toml, see cmake/Embed.cmake
}  // namespace lxhost::embedded

namespace lxhost {

std::string Origin::describe() const {
  switch (kind) {
    case Kind::builtin: return "default";
    case Kind::file: return where;
    case Kind::env: return "env " + where;
    case Kind::flag: return "flag " + where;
  }
  return where;
}

// An enum's values are in the order of its key's choices.
std::string_view to_string(HostKeyPolicy policy) {
  return config_key("hosts.NAME", "host_key").choices[static_cast<std::size_t>(policy)];
}

std::string_view to_string(ViaHost via) {
  return config_key("ssh_config", "via_host").choices[static_cast<std::size_t>(via)];
}

std::string_view to_string(Backend backend) {
  return config_key("hosts.NAME", "backend").choices[static_cast<std::size_t>(backend)];
}

std::string_view config_template() { return embedded::config_example; }

const HostConfig* Config::find_host(std::string_view name) const {
  const auto it = std::find_if(hosts.begin(), hosts.end(), [&](const HostConfig& h) { return h.name == name; });
  return it == hosts.end() ? nullptr : &*it;
}

const VerbDefaults* Config::verb_defaults(std::string_view verb) const {
  const auto it = std::find_if(verbs.begin(), verbs.end(), [&](const VerbDefaults& v) { return v.verb == verb; });
  return it == verbs.end() ? nullptr : &*it;
}

std::vector<std::string> Config::host_names() const {
  std::vector<std::string> names;
  names.reserve(hosts.size());
  for (const HostConfig& host : hosts) names.push_back(host.name);
  return names;
}

namespace {

std::string_view a_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "a value";
}

// "hosts" + "lab" -> "hosts.lab"; keys that are not bare are quoted.
std::string dotted(std::string_view table_path, std::string_view key) {
  return table_path.empty() ? toml_key(key) : fmt::format("{}.{}", table_path, toml_key(key));
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + toml_string(name);
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const auto suggestion = closest(word, candidates);
  return suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : std::string{};
}

// Where a name of the key table is valid, for a key written where it is not: "'port' belongs in
// [hosts.NAME]", "'mux' is the table [mux]"; "" for a name the table does not have.
std::string homes_of(std::string_view key) {
  std::string homes;
  for (const ConfigKey& row : config_keys()) {
    if (row.key != key) continue;
    if (row.is_table()) return fmt::format("'{}' is the table [{}]", key, table_header(row));
    const std::string home = row.table.empty() ? "at the top level (above the first [table] line)"
                                               : fmt::format("in [{}]", row.table);
    homes += fmt::format("{}{}", homes.empty() ? "" : " or ", home);
  }
  return homes.empty() ? homes : fmt::format("'{}' belongs {}", key, homes);
}

struct Entry {
  const toml::key* key;
  const toml::node* node;
};

// toml::table is sorted by key; the user's file order is the order of the keys' positions.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (auto&& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& pa = a.key->source().begin;
    const auto& pb = b.key->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

// Reads one parsed document into a Config; every error names SOURCE:LINE:COL.
class Reader {
 public:
  // `built_in`: the values read are the defaults (their origin is builtin), not a file's.
  explicit Reader(std::string_view source, bool built_in = false) : source_(source), built_in_(built_in) {}

  Config read(const toml::table& root) const {
    Config config = default_config();
    config.source = std::string{source_};
    reject_unknown(root, "", keys_in(""));
    const SettingHome home{&config};
    const toml::key* hosts_key = nullptr;
    // The tables first, then the keys above them: default_host names a host of [hosts].
    for (const ConfigKey& row : config_keys()) {
      if (!row.table.empty() || !row.is_table()) continue;
      if (row.key == "hosts") {
        hosts_key = read_hosts(root, config);
      } else if (const toml::table* t = sub_table(root, row.key, ""); t != nullptr && row.key == "verbs") {
        config.verbs = read_verbs(*t);
      } else if (t != nullptr) {
        read_keys(*t, row.key, row.key, home);
      }
    }
    for (const ConfigKey& row : config_keys())
      if (row.table.empty() && !row.is_table()) read_row(root, row, "", home);
    resolve_default_host(root, hosts_key, config);
    return config;
  }

  // One row of the key table, read into the Setting it names when `t` has its key.
  void read_row(const toml::table& t, const ConfigKey& row, std::string_view path, const SettingHome& home) const {
    std::visit([&](auto* target) { read_into(t, row, path, *target); }, row.setting(home));
  }

  // A table of the key table's keys (`table` names its rows; `path` is the table as the file spells it).
  void read_keys(const toml::table& t, std::string_view table, std::string_view path, const SettingHome& home) const {
    reject_unknown(t, path, keys_in(table));
    for (const ConfigKey& row : config_keys())
      if (row.table == table && row.setting != nullptr) read_row(t, row, path, home);
  }

 private:
  std::string where(const toml::source_region& region) const {
    return fmt::format("{}:{}:{}", source_, region.begin.line, region.begin.column);
  }
  Origin origin(const toml::node& node) const {
    return built_in_ ? Origin{} : Origin{Origin::Kind::file, where(node.source())};
  }

  [[noreturn]] void fail(const toml::source_region& region, std::string_view message, std::string hint = {}) const {
    throw ConfigError(fmt::format("{}: {}", where(region), message), std::move(hint));
  }

  void reject_unknown(const toml::table& table, std::string_view path, std::span<const std::string_view> known) const {
    for (const Entry& e : in_file_order(table)) {
      const std::string_view key = e.key->str();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      const std::string here = path.empty() ? "at the top level" : fmt::format("in [{}]", path);
      if (const std::string homes = homes_of(key); !homes.empty()) {
        // A key of another table: a `config init` file's key uncommented without its table's header.
        fail(e.key->source(), fmt::format("{}, not {}", homes, here),
             "in a file from `config init`, remove the \"# \" before the key's [table] line too");
      }
      const std::string hint = did_you_mean(key, std::vector<std::string>(known.begin(), known.end()));
      if (e.node->is_table()) fail(e.key->source(), fmt::format("unknown table [{}]{}", dotted(path, key), hint));
      if (path.empty()) fail(e.key->source(), fmt::format("unknown key '{}'{}", toml_key(key), hint));
      fail(e.key->source(), fmt::format("unknown key '{}' in [{}]{}", toml_key(key), path, hint));
    }
  }

  const toml::table* sub_table(const toml::table& parent, std::string_view key, std::string_view path) const {
    const toml::node* node = parent.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) fail(node->source(), fmt::format("{} must be a table, not {}", dotted(path, key), a_type(*node)));
    return node->as_table();
  }

  // read_into: one row's value; `path` is its table as the file spells it.
  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path, Setting<int>& out) const {
    const toml::node* node = t.get(row.key);
    if (node == nullptr) return;
    const std::string name = dotted(path, row.key);
    const auto* integer = node->as_integer();
    if (integer == nullptr) fail(node->source(), fmt::format("{} must be an integer, not {}", name, a_type(*node)));
    const std::int64_t value = integer->get();
    if (value < row.min || value > row.max) {
      fail(node->source(), fmt::format("{} must be between {} and {}", name, row.min, row.max));
    }
    out.set(static_cast<int>(value), origin(*node));
  }

  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path, Setting<bool>& out) const {
    const toml::node* node = t.get(row.key);
    if (node == nullptr) return;
    const auto* boolean = node->as_boolean();
    if (boolean == nullptr) {
      fail(node->source(), fmt::format("{} must be a boolean, not {}", dotted(path, row.key), a_type(*node)));
    }
    out.set(boolean->get(), origin(*node));
  }

  // Returns the node when the key is set, so the caller can check the value at its position.
  const toml::node* read_string(const toml::table& t, std::string_view key, std::string_view path,
                                Setting<std::string>& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return nullptr;
    const auto* text = node->as_string();
    if (text == nullptr) {
      fail(node->source(), fmt::format("{} must be a string, not {}", dotted(path, key), a_type(*node)));
    }
    out.set(text->get(), origin(*node));
    return node;
  }

  // An array of strings; `check` may refuse an element (by throwing) at its position.
  template <class Check>
  const toml::node* read_strings(const toml::table& t, std::string_view key, std::string_view path,
                                 Setting<std::vector<std::string>>& out, Check check) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return nullptr;
    const std::string name = dotted(path, key);
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(node->source(), fmt::format("{} must be an array of strings, not {}", name, a_type(*node)));
    std::vector<std::string> strings;
    for (const toml::node& element : *array) {
      const auto* text = element.as_string();
      if (text == nullptr) {
        fail(element.source(), fmt::format("{}[{}] must be a string, not {}", name, strings.size(), a_type(element)));
      }
      check(element, text->get());
      strings.push_back(text->get());
    }
    out.set(std::move(strings), origin(*node));
    return node;
  }


  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path, Setting<std::string>& out) const {
    const toml::node* node = read_string(t, row.key, path, out);
    if (node != nullptr && row.rule.accepts != nullptr && !row.rule.accepts(out.value)) {
      fail(node->source(), fmt::format("{} {}", dotted(path, row.key), row.rule.must));
    }
  }
  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path,
                 Setting<std::vector<std::string>>& out) const {
    read_strings(t, row.key, path, out, [&](const toml::node& element, const std::string& text) {
      if (row.rule.accepts != nullptr && !row.rule.accepts(text)) {
        fail(element.source(), fmt::format("{} entries {}, not {}", dotted(path, row.key), row.rule.must, toml_string(text)));
      }
    });
  }
  // A string naming one of the row's choices; the enum's values are in the same order.
  template <class Enum>
    requires std::is_enum_v<Enum>
  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path, Setting<Enum>& out) const {
    Setting<std::string> text;
    const toml::node* node = read_string(t, row.key, path, text);
    if (node == nullptr) return;
    const auto it = std::find(row.choices.begin(), row.choices.end(), text.value);
    if (it == row.choices.end()) {
      std::string spelled;
      for (std::size_t i = 0; i < row.choices.size(); ++i) {
        const std::string_view joint = i == 0 ? "" : i + 1 == row.choices.size() ? " or " : ", ";
        spelled += fmt::format("{}\"{}\"", joint, row.choices[i]);
      }
      fail(node->source(), fmt::format("{} must be {}", dotted(path, row.key), spelled));
    }
    out.set(static_cast<Enum>(it - row.choices.begin()), text.origin);
  }
  void read_into(const toml::table& t, const ConfigKey& row, std::string_view path, std::vector<SshOption>& out) const {
    if (const toml::table* options = sub_table(t, row.key, path)) {
      for (const Entry& e : in_file_order(*options)) out.push_back(read_ssh_option(e));
    }
  }

  // [verbs.VERB] tables, each naming a verb as `lxhost help` lists it.
  std::vector<VerbDefaults> read_verbs(const toml::table& verbs) const {
    std::vector<std::string> words;
    for (const Verb& verb : verb_table()) words.emplace_back(verb_word(verb));
    std::vector<VerbDefaults> out;
    for (const Entry& e : in_file_order(verbs)) {
      const std::string word{e.key->str()};
      const std::string path = dotted("verbs", word);
      if (std::find(words.begin(), words.end(), word) == words.end()) {
        // `[verbs.lxc-clone]` and `[verbs.config]`: the tool's name finds its verb.
        const Verb* verb = find_verb(word.starts_with("lxc-") ? word : "lxc-" + word);
        const auto suggestion = verb != nullptr ? std::optional<std::string>(verb_word(*verb)) : closest(word, words);
        fail(e.key->source(), fmt::format("unknown verb '{}' in [verbs]{}", word,
                                          suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : ""),
             "run `lxhost help` for the verbs");
      }
      const toml::table* t = e.node->as_table();
      if (t == nullptr) fail(e.node->source(), fmt::format("{} must be a table, not {}", path, a_type(*e.node)));
      VerbDefaults defaults{word, {}};
      read_keys(*t, "verbs.VERB", path, SettingHome{nullptr, nullptr, &defaults});
      out.push_back(std::move(defaults));
    }
    return out;
  }

  // Replaces the built-in host when the file has [hosts]; returns the `hosts` key, else nullptr.
  const toml::key* read_hosts(const toml::table& root, Config& config) const {
    const auto it = root.find("hosts");
    if (it == root.end()) return nullptr;
    const toml::key& hosts_key = it->first;
    const toml::table* hosts = sub_table(root, "hosts", "");
    config.hosts.clear();
    config.hosts_origin = Origin{Origin::Kind::file, where(hosts_key.source())};
    for (const Entry& e : in_file_order(*hosts)) {
      const std::string path = dotted("hosts", e.key->str());
      const toml::table* t = e.node->as_table();
      if (t == nullptr) fail(e.node->source(), fmt::format("{} must be a table, not {}", path, a_type(*e.node)));
      config.hosts.push_back(read_host(*t, path, std::string{e.key->str()}));
    }
    if (config.hosts.empty()) {
      fail(hosts_key.source(), "[hosts] has no [hosts.NAME] table (add one, or remove [hosts] to keep the built-in host)");
    }
    return &hosts_key;
  }

  HostConfig read_host(const toml::table& t, std::string_view path, std::string name) const {
    HostConfig host = default_host_config(std::move(name));
    read_keys(t, "hosts.NAME", path, SettingHome{nullptr, &host, nullptr});
    return host;
  }

  // ssh_config spells numbers as digits and booleans as yes/no; a TOML value of either kind is kept that way.
  SshOption read_ssh_option(const Entry& e) const {
    SshOption option{std::string{e.key->str()}, {}, SshOption::Written::string};
    if (const auto* text = e.node->as_string()) {
      option.value.set(text->get(), origin(*e.node));
    } else if (const auto* integer = e.node->as_integer()) {
      option.value.set(std::to_string(integer->get()), origin(*e.node));
      option.written = SshOption::Written::integer;
    } else if (const auto* boolean = e.node->as_boolean()) {
      option.value.set(boolean->get() ? "yes" : "no", origin(*e.node));
      option.written = SshOption::Written::boolean;
    } else {
      fail(e.node->source(), fmt::format("{} must be a string, an integer or a boolean, not {}",
                                         dotted("ssh_config.options", e.key->str()), a_type(*e.node)));
    }
    return option;
  }

  void resolve_default_host(const toml::table& root, const toml::key* hosts_key, Config& config) const {
    if (config.default_host.user_set()) {
      const std::string& name = config.default_host.value;
      if (config.find_host(name) == nullptr) {
        const auto names = config.host_names();
        throw ConfigError(fmt::format("{}: default_host {} is not a configured host; configured: {}{}",
                                      config.default_host.origin.where, toml_string(name), quoted_list(names),
                                      did_you_mean(name, names)));
      }
      return;
    }
    if (hosts_key == nullptr) return;  // the built-in host stays the default
    if (config.hosts.size() == 1) {
      const toml::table& hosts = *root.get("hosts")->as_table();
      config.default_host.set(config.hosts.front().name,
                              Origin{Origin::Kind::file, where(in_file_order(hosts).front().key->source())});
      return;
    }
    fail(hosts_key->source(), fmt::format("several hosts ({}) and no default_host: set default_host to one of them",
                                               quoted_list(config.host_names())));
  }

  std::string_view source_;
  bool built_in_ = false;
};

std::string one_line(std::string_view text) {
  std::string out{text};
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

// The defaults as the key table writes them, read by the file's own reader: once, then copied.
const Config& built_in_config() {
  static const Config config = [] {
    Config built_in;
    HostConfig host;
    VerbDefaults verb;  // [verbs.VERB] has no built-in table; its row's default is read and dropped
    const SettingHome home{&built_in, &host, &verb};
    const Reader reader{"built-in default", true};
    for (const ConfigKey& row : config_keys()) {
      if (row.is_table()) continue;
      const toml::table value = toml::parse(fmt::format("{} = {}", toml_key(row.key), row.default_value));
      reader.read_row(value, row, "", home);
    }
    host.name = built_in.default_host.value;
    built_in.hosts.push_back(std::move(host));
    return built_in;
  }();
  return config;
}

}  // namespace

Config default_config() { return built_in_config(); }

HostConfig default_host_config(std::string name) {
  HostConfig host = built_in_config().hosts.front();
  host.name = std::move(name);
  return host;
}

Config parse_config(std::string_view text, std::string_view source_name) {
  if (const std::optional<std::string> misread = toml_misread(text)) {
    throw ConfigError(fmt::format("{}:{}", source_name, *misread));
  }
  toml::table root;
  try {
    root = toml::parse(text, std::string{source_name});
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid TOML: {}", source_name, e.source().begin.line,
                                  e.source().begin.column, one_line(e.description())));
  }
  return Reader{source_name}.read(root);
}

}  // namespace lxhost
