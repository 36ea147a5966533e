// The man pages, rendered (in man(7) roff) from the tables that drive parsing, help and
// completion: lxhost(1) from the verb table, the command table and its global options,
// environment and exit statuses; lxhost.toml(5) from the config key table. The build runs
// `lxhost __man PAGE` and installs what it prints: nothing in a man page is written twice.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lxhost {

// "lxhost.1" and "lxhost.toml.5".
std::span<const std::string_view> man_pages();

// The page's roff text, or nullopt for a name that is not one of man_pages().
std::optional<std::string> render_man_page(std::string_view page);

// Text made safe for roff: backslashes and hyphens escaped, a control character at a line's
// start defused.
std::string roff_escape(std::string_view text);

}  // namespace lxhost
