// Signal names as SSH carries them ("INT", no "SIG"), and the local numbers for exit codes.
#pragma once

#include <optional>
#include <string_view>

namespace lxhost {

// "INT" -> SIGINT etc., with this platform's numbers; nullopt for names we do not know.
std::optional<int> signal_number(std::string_view ssh_name);
// SIGINT -> "INT"; nullopt for signals SSH has no name for.
std::optional<std::string_view> signal_name(int signo);

}  // namespace lxhost
