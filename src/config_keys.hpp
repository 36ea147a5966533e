// Every key of lxhost's config file: its table, type, default and meaning, and the range of an
// integer. The reader takes its known keys and ranges from here; `lxhost.toml(5)` is rendered
// from it; a unit test holds config/config.example.toml and default_config() to it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

struct ConfigKey {
  std::string_view table;          // "" (top level), "hosts.NAME", "discovery", "ssh_config.options", ...
  std::string_view key;            // "address"; a table's own row has its last part: "hosts", "options"
  std::string_view type;           // "string", "integer", "boolean", "array of strings", "table"
  std::string_view default_value;  // as TOML writes it: "\"containers.local\"", "22"; empty for tables
  std::string_view doc;            // one line
  int min = 0, max = 0;            // integers: the accepted range

  bool is_table() const { return type == "table"; }
};

// In the order of the example file: top-level keys, then each table with its keys.
std::span<const ConfigKey> config_keys();

// The keys (and sub-tables) a table may hold: keys_in("discovery") -> resolve_timeout_ms, ...
std::vector<std::string_view> keys_in(std::string_view table);

// A table row's header as a file writes it: "mux", "ssh_config.options"; "hosts.NAME" and
// "verbs.VERB" for the tables that hold one table per name.
std::string table_header(const ConfigKey& row);

// The row of table.key; throws std::logic_error for a key that is not in the table (a bug).
const ConfigKey& config_key(std::string_view table, std::string_view key);

}  // namespace lxhost
