#include "catch.hpp"

#include <map>
#include <set>
#include <regex>
#include <sstream>
#include <string>

#include "config.hpp"
#include "config_keys.hpp"
#include "errors.hpp"

using namespace lxhost;

namespace {

struct ExampleKey {
  std::string value;
  std::string doc;
};

// config/config.example.toml's keys: `# key = value  # doc` lines, by the table header above
// them (`# [hosts.containers]` counts as hosts.NAME, `# [verbs.clone]` as verbs.VERB), and the
// table headers themselves.
struct Example {
  std::map<std::pair<std::string, std::string>, ExampleKey> keys;
  std::set<std::string> tables;
};

Example read_example() {
  Example example;
  const std::regex header(R"(^# \[([A-Za-z_.]+)\]$)");
  const std::regex key_line(R"(^# ([A-Za-z_]+) = (.*?) +# (.*)$)");
  std::istringstream in{std::string{config_template()}};
  std::string table;
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, m, header)) {
      table = m[1].str().starts_with("hosts.") ? "hosts.NAME" : m[1].str();
      if (table.starts_with("verbs.")) table = "verbs.VERB";
      example.tables.insert(table);
    } else if (std::regex_match(line, m, key_line)) {
      example.keys[{table, m[1]}] = {m[2], m[3]};
    }
  }
  return example;
}

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "cfg.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A file setting table.key = value (a [hosts.lab] for hosts.NAME).
std::string file_with(const ConfigKey& key, std::string_view value) {
  const std::string table = key.table == "hosts.NAME"   ? "hosts.lab"
                            : key.table == "verbs.VERB" ? "verbs.clone"
                                                        : std::string(key.table);
  return (table.empty() ? "" : "[" + table + "]\n") + std::string(key.key) + " = " + std::string(value) + "\n";
}

}  // namespace

TEST_CASE("config.example.toml and the key table agree on every key, default and meaning", "[config_keys]") {
  const Example example = read_example();
  std::size_t keys = 0;
  for (const ConfigKey& key : config_keys()) {
    CAPTURE(key.table, key.key);
    if (key.is_table()) {
      const std::string name = key.table.empty() ? std::string(key.key) : std::string(key.table) + "." + std::string(key.key);
      CHECK(example.tables.count(table_header(key)) == 1);
      continue;
    }
    ++keys;
    const auto it = example.keys.find({std::string(key.table), std::string(key.key)});
    REQUIRE(it != example.keys.end());
    // [verbs.VERB] args are suggestions (the old setup's -s and -d), not the default (none).
    if (key.table != "verbs.VERB") CHECK(it->second.value == key.default_value);
    CHECK(it->second.doc == key.described());
  }
  CHECK(example.keys.size() == keys);  // and the example has no key the table lacks
}

TEST_CASE("the key table's types and ranges are the reader's", "[config_keys]") {
  for (const ConfigKey& key : config_keys()) {
    if (key.is_table()) continue;
    CAPTURE(key.table, key.key);
    CHECK(error_of(file_with(key, key.default_value)).empty());  // the default is a valid value
    const std::string wrong = key.type == "string" ? "1" : "\"x\"";
    CHECK_THAT(error_of(file_with(key, wrong)), Catch::Contains("must be a"));
    if (key.type == "integer") {
      CHECK(key.min <= std::stoi(std::string(key.default_value)));
      CHECK(std::stoi(std::string(key.default_value)) <= key.max);
      CHECK_THAT(error_of(file_with(key, std::to_string(static_cast<long long>(key.min) - 1))),
                 Catch::Contains("must be between"));
      CHECK(error_of(file_with(key, std::to_string(key.max))).empty());
    }
  }
  CHECK_THAT(error_of("[mux]\nidle = 1\n"), Catch::Contains("did you mean 'idle_timeout_s'?"));
}

TEST_CASE("keys_in lists a table's keys; config_key finds a row", "[config_keys]") {
  const auto mux = keys_in("mux");
  CHECK(std::vector<std::string_view>(mux.begin(), mux.end()) == std::vector<std::string_view>{"enabled", "idle_timeout_s"});
  CHECK(config_key("hosts.NAME", "port").max == 65535);
  CHECK_THROWS_AS(config_key("mux", "nope"), std::logic_error);
}
