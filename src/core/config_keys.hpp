// Every key of lxhost's config file: its table, type, default and meaning, the range of an
// integer, the values a string may take, and the Setting of a Config it fills. The reader,
// default_config(), `config show`, config/config.example.toml and `lxhost.toml(5)` all come from
// here, so adding a key is a row here and a member in config.hpp.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"

namespace lxhost {

// The Setting (or list) a row fills, with its type: what the reader writes and `config show` reads.
using SettingRef = std::variant<Setting<std::string>*, Setting<int>*, Setting<bool>*, Setting<std::vector<std::string>>*,
                                Setting<HostKeyPolicy>*, Setting<ViaHost>*, Setting<Backend>*,
                                std::vector<SshOption>*>;

// Where a row's Setting lives: the Config; for [hosts.NAME] keys one host, for [verbs.VERB] one verb.
struct SettingHome {
  Config* config = nullptr;
  HostConfig* host = nullptr;
  VerbDefaults* verb = nullptr;
};

// A string value (or each string of an array) that a key refuses, and how its message ends:
// "hosts.lab.address must not be empty".
struct ValueRule {
  bool (*accepts)(std::string_view) = nullptr;
  std::string_view must;
};

// One [TABLE.NAME] table config/config.example.toml shows, each key at `value` (its default when empty).
struct ExampleTable {
  std::string_view name;
  std::string_view value;
};

struct ConfigKey {
  std::string_view table;          // "" (top level), "hosts.NAME", "discovery", "ssh_config.options", ...
  std::string_view key;            // "address"; a table's own row has its last part: "hosts", "options"
  std::string_view type;           // "string", "integer", "boolean", "array of strings", "table"
  std::string_view default_value;  // as TOML writes it: "\"containers.local\"", "22"; empty for tables
  std::string_view doc;            // one line (after the choices, for a key that has them)
  SettingRef (*setting)(const SettingHome&) = nullptr;  // the member it fills; null for most tables
  int min = 0, max = 0;                                 // integers: the accepted range
  std::span<const std::string_view> choices{};          // a string's only values, in its enum's order
  ValueRule rule{};                                     // a string's further check
  bool ssh_config_first = false;                        // ~/.ssh/config's value wins until this is set
  // The example file's words about a table, without their "# ": above its header, and below it (a
  // table of free names shows no keys); which [TABLE.NAME] tables it shows (none: the built-in host).
  std::string_view note{};
  std::string_view under{};
  std::span<const ExampleTable> examples{};

  bool is_table() const { return type == "table"; }
  // The doc with the choices before it: "\"strict\" | \"accept-new\": trust an unknown host key ...".
  std::string described() const;

  constexpr ConfigKey range(int lo, int hi) const {
    ConfigKey row = *this;
    row.min = lo;
    row.max = hi;
    return row;
  }
  constexpr ConfigKey one_of(std::span<const std::string_view> values) const {
    ConfigKey row = *this;
    row.choices = values;
    return row;
  }
  constexpr ConfigKey checked(ValueRule value_rule) const {
    ConfigKey row = *this;
    row.rule = value_rule;
    return row;
  }
  constexpr ConfigKey ssh_config_wins_until_set() const {
    ConfigKey row = *this;
    row.ssh_config_first = true;
    return row;
  }
  constexpr ConfigKey noted(std::string_view above, std::string_view below = {}) const {
    ConfigKey row = *this;
    row.note = above;
    row.under = below;
    return row;
  }
  constexpr ConfigKey shown_as(std::span<const ExampleTable> tables) const {
    ConfigKey row = *this;
    row.examples = tables;
    return row;
  }
};

// In the order of the example file: top-level keys, then each table with its keys.
std::span<const ConfigKey> config_keys();

// The keys (and sub-tables) a table may hold: keys_in("discovery") -> resolve_timeout_ms, ...
std::vector<std::string_view> keys_in(std::string_view table);

// A table row's header as a file writes it: "mux", "ssh_config.options"; "hosts.NAME" and
// "verbs.VERB" for the tables that hold one table per name.
std::string table_header(const ConfigKey& row);

// config/config.example.toml, what `config init` writes: every key commented out at its default
// (with its doc) under its commented [table] line.
std::string render_example();

// The row of table.key; throws std::logic_error for a key that is not in the table (a bug).
const ConfigKey& config_key(std::string_view table, std::string_view key);

}  // namespace lxhost
