#include "core/signals.hpp"

#include <csignal>
#include <utility>

namespace lxhost {
namespace {

// RFC 4254 section 6.10 names, plus the two user signals OpenSSH passes on.
constexpr std::pair<std::string_view, int> kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},   {"ILL", SIGILL},
    {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},
    {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
};

}  // namespace

std::optional<int> signal_number(std::string_view ssh_name) {
  if (ssh_name.starts_with("SIG")) ssh_name.remove_prefix(3);
  for (const auto& [name, number] : kSignals)
    if (name == ssh_name) return number;
  return std::nullopt;
}

std::optional<std::string_view> signal_name(int signo) {
  for (const auto& [name, number] : kSignals)
    if (number == signo) return name;
  return std::nullopt;
}

}  // namespace lxhost
