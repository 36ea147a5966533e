#include "catch.hpp"

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/config.hpp"
#include "core/config_keys.hpp"
#include "config_checks.hpp"

using namespace lxhost;
using lxhost::testing::error_of;

namespace {

// A file setting table.key = value (a [hosts.lab] for hosts.NAME).
std::string file_with(const ConfigKey& key, std::string_view value) {
  const std::string table = key.table == "hosts.NAME"   ? "hosts.lab"
                            : key.table == "verbs.VERB" ? "verbs.clone"
                                                        : std::string(key.table);
  return (table.empty() ? "" : "[" + table + "]\n") + std::string(key.key) + " = " + std::string(value) + "\n";
}

}  // namespace

TEST_CASE("config/config.example.toml (what `config init` writes) is the key table's rendering, byte for byte",
          "[config_keys]") {
  const std::string rendered = render_example();
  CHECK(rendered == config_template());
  if (rendered != config_template()) WARN("render_example():\n" << rendered);
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

TEST_CASE("keys_in lists a table's keys, config_key finds a row", "[config_keys]") {
  const auto mux = keys_in("mux");
  CHECK(std::vector<std::string_view>(mux.begin(), mux.end()) == std::vector<std::string_view>{"enabled", "idle_timeout_s", "watch"});
  CHECK(config_key("hosts.NAME", "port").max == 65535);
  CHECK_THROWS_AS(config_key("mux", "nope"), std::logic_error);
}

TEST_CASE("each row's type is its Setting's, choices are an enum's", "[config_keys]") {
  Config config;
  HostConfig host;
  VerbDefaults verb;
  const SettingHome home{&config, &host, &verb};
  for (const ConfigKey& row : config_keys()) {
    CAPTURE(row.table, row.key);
    if (row.setting == nullptr) {
      CHECK(row.is_table());
      continue;
    }
    const auto [type, is_enum] = std::visit(
        []<class T>(T*) -> std::pair<std::string_view, bool> {
          if constexpr (std::is_same_v<T, Setting<int>>) return {"integer", false};
          if constexpr (std::is_same_v<T, Setting<bool>>) return {"boolean", false};
          if constexpr (std::is_same_v<T, Setting<std::vector<std::string>>>) return {"array of strings", false};
          if constexpr (std::is_same_v<T, std::vector<SshOption>>) return {"table", false};
          if constexpr (std::is_same_v<T, Setting<std::string>>) return {"string", false};
          return {"string", true};
        },
        row.setting(home));
    CHECK(type == row.type);
    CHECK(row.choices.empty() == !is_enum);
  }
  CHECK(to_string(HostKeyPolicy::accept_new) == "accept-new");
  CHECK(to_string(ViaHost::automatic) == "auto");
}
