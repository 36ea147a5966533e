#include "core/name_route.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace lxhost {
namespace {

bool has_flag(const Verb& verb, std::string_view flag) {
  return std::find(verb.flags.begin(), verb.flags.end(), flag) != verb.flags.end();
}

// Whether a flag's value is a container's name.
bool names_container(const Verb& verb, std::string_view flag) {
  if (flag == "-n" || flag == "--name") return true;
  if (verb.legacy) return flag == "-o" || flag == "--orig" || flag == "--new";
  return (flag == "-N" || flag == "--newname") && takes_value(verb, flag);
}

}  // namespace

std::vector<NamePlace> container_names(const Verb& verb, std::span<const std::string> args) {
  std::vector<NamePlace> named;
  std::vector<NamePlace> positionals;
  if (!verb.legacy && !has_flag(verb, "-n")) return named;
  bool by_name_flag = false;  // -n/--name gave the name: no word stands for it
  // A flag that takes a value: its value is word i from `offset` on when glued to it ("-nweb",
  // "--name=web"), else the next word.
  auto value = [&](std::string_view flag, std::size_t& i, bool glued, std::size_t offset) {
    if (!glued && i + 1 >= args.size()) return;
    const NamePlace place = glued ? NamePlace{i, offset} : NamePlace{++i, 0};
    if (!names_container(verb, flag)) return;
    named.push_back(place);
    if (flag == "-n" || flag == "--name") by_name_flag = true;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.starts_with("--")) {
      const std::size_t eq = arg.find('=');
      const std::string_view flag = std::string_view(arg).substr(0, eq);
      if (eq != std::string::npos) {
        if (names_container(verb, flag)) value(flag, i, true, eq + 1);
      } else if (takes_value(verb, flag)) {
        value(flag, i, false, 0);
      }
      continue;
    }
    if (arg.size() > 1 && arg.front() == '-') {
      for (std::size_t j = 1; j < arg.size(); ++j) {
        const std::string flag{'-', arg[j]};
        if (!takes_value(verb, flag)) continue;
        value(flag, i, j + 1 < arg.size(), j + 1);
        break;
      }
      continue;
    }
    positionals.push_back({i, 0});
  }
  if (verb.legacy) {
    named.insert(named.end(), positionals.begin(), positionals.end());
  } else if (!by_name_flag && !positionals.empty()) {
    named.push_back(positionals.front());
  }
  return named;
}

HostRoute route_by_names(const Verb& verb, std::span<const std::string> args, std::span<const std::string> hosts) {
  HostRoute route{std::nullopt, {}, {args.begin(), args.end()}};
  for (const NamePlace& place : container_names(verb, args)) {
    std::string& word = route.args[place.word];
    const std::string name = word.substr(place.offset);
    const std::size_t colon = name.find(':');
    if (colon == std::string::npos || colon + 1 == name.size()) continue;
    const std::string host = name.substr(0, colon);
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) continue;
    if (route.host && *route.host != host) {
      throw UsageError(fmt::format("{}: '{}' and '{}' are containers of two hosts; a command runs on one host",
                                   verb_word(verb), route.named, name),
                       "name containers of one host: HOST:NAME sends the command to HOST");
    }
    if (!route.host) {
      route.host = host;
      route.named = name;
    }
    word.erase(place.offset, colon + 1);
  }
  return route;
}

}  // namespace lxhost
