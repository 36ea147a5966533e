// HOST:NAME: a container of another configured host, named wherever a verb takes a container's
// name. Which words of a verb's arguments are names, and the host their prefixes pick. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/verbs.hpp"

namespace lxhost {

// A container's name in a verb's arguments: args[word].substr(offset).
struct NamePlace {
  std::size_t word;
  std::size_t offset;  // past "-n" or "--name=" when the name shares its flag's word
};

// The words of `args` that name containers, before any `--`, read as LXC's tools read them
// (getopt: "-nweb", "-dn web", "--name=web", "--name web"; a flag's value is never a name): the
// values of -n/--name (copy's and snapshot's -N/--newname too), and when no -n names one, the
// first word that is neither a flag nor a flag's value (`lxc-start web`). For LXC 1's verbs the
// values of -o/--orig and -n/--new/--name and every such word (`clone ORIG NEW`). None for a
// verb without names (ls, top, autostart, config, update-config).
std::vector<NamePlace> container_names(const Verb& verb, std::span<const std::string> args);

struct HostRoute {
  std::optional<std::string> host;  // the configured host a HOST: prefix named
  std::string named;                // the first name with that prefix, as typed ("other:web")
  std::vector<std::string> args;    // the arguments with those prefixes removed
};

// The host that names' HOST: prefixes pick among `hosts` (the configured ones), and the arguments
// without the prefixes. A prefix that is no configured host is part of the name (LXC allows ':'
// in names) and stays. Throws UsageError when the names are of two hosts.
HostRoute route_by_names(const Verb& verb, std::span<const std::string> args, std::span<const std::string> hosts);

}  // namespace lxhost
