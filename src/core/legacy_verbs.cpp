#include "core/legacy_verbs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>

#include "core/errors.hpp"
#include "core/getopt_args.hpp"

namespace lxhost {

namespace {

// One LXC 1 option: what it means is decided by the verb's own translation below.
enum class Opt {
  orig, new_name, snapshot, backingstore, fssize, keepname, keepmac, lxcpath, newpath,  // clone
  name, daemon, keep_data, bdir, union_type,                                           // ephemeral
};

using OptionSpec = GetoptOption<Opt>;
using Given = GetoptGiven<Opt>;
using Parsed = GetoptArgs<Opt>;

constexpr std::array clone_options = {
    OptionSpec{'o', "orig", true, Opt::orig},
    OptionSpec{'n', "new", true, Opt::new_name},
    OptionSpec{'s', "snapshot", false, Opt::snapshot},
    OptionSpec{'B', "backingstore", true, Opt::backingstore},
    OptionSpec{'L', "fssize", true, Opt::fssize},
    OptionSpec{'K', "keepname", false, Opt::keepname},
    OptionSpec{'M', "keepmac", false, Opt::keepmac},
    OptionSpec{'p', "lxcpath", true, Opt::lxcpath},
    OptionSpec{'P', "newpath", true, Opt::newpath},
};

constexpr std::array start_ephemeral_options = {
    OptionSpec{'o', "orig", true, Opt::orig},
    OptionSpec{'n', "name", true, Opt::name},
    OptionSpec{'d', "daemon", false, Opt::daemon},
    OptionSpec{'k', "keep-data", false, Opt::keep_data},
    OptionSpec{'b', "bdir", true, Opt::bdir},
    OptionSpec{'u', "union-type", true, Opt::union_type},
};

Parsed parse(std::string_view verb, std::span<const OptionSpec> specs, std::span<const std::string> args) {
  return parse_getopt(verb, specs, args);
}

std::vector<std::string> old_tool(std::string_view tool, std::span<const std::string> args) {
  std::vector<std::string> argv{std::string(tool)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

bool asks_for_help(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h" || arg == "-?" || arg == "--usage") return true;
  }
  return false;
}

std::string render_generation(LxcGeneration generation) {
  return generation == LxcGeneration::legacy ? "legacy\n" : "modern\n";
}

std::optional<LxcGeneration> parse_generation(std::string_view text) {
  if (text == "modern\n") return LxcGeneration::modern;
  if (text == "legacy\n") return LxcGeneration::legacy;
  return std::nullopt;
}

Translation translate_clone(std::span<const std::string> args, LxcGeneration gen) {
  if (gen == LxcGeneration::legacy) return Translation{old_tool("lxc-clone", args), {}, {}, {}};

  const Parsed parsed = parse("clone", clone_options, args);
  std::optional<std::string> orig;
  std::optional<std::string> new_name;
  std::optional<std::string> orig_lxcpath;
  std::optional<std::string> new_lxcpath;
  std::vector<std::string> mapped;
  for (const Given& g : parsed.options) {
    switch (g.id) {
      case Opt::orig: orig = g.value; break;
      case Opt::new_name: new_name = g.value; break;
      case Opt::snapshot: mapped.push_back("-s"); break;
      case Opt::backingstore: mapped.insert(mapped.end(), {"-B", g.value}); break;
      case Opt::fssize: mapped.insert(mapped.end(), {"-L", g.value}); break;
      case Opt::keepname: mapped.push_back("-K"); break;
      case Opt::keepmac: mapped.push_back("-M"); break;
      // lxc-clone's -p is the source lxcpath and -P the new one; lxc-copy has them swapped.
      case Opt::lxcpath: mapped.insert(mapped.end(), {"-P", g.value}); orig_lxcpath = g.value; break;
      case Opt::newpath: mapped.insert(mapped.end(), {"-p", g.value}); new_lxcpath = g.value; break;
      default: break;  // start-ephemeral's options never parse here
    }
  }
  // As lxc-clone did after getopt: the first positional is the original unless -o named it,
  // the next the new name unless -n did.
  std::size_t next = 0;
  if (!orig && next < parsed.positionals.size()) orig = parsed.positionals[next++];
  if (!new_name && next < parsed.positionals.size()) new_name = parsed.positionals[next++];
  if (next < parsed.positionals.size()) {
    throw UsageError("clone: unexpected argument " + single_quoted(parsed.positionals[next]));
  }
  if (!orig) throw UsageError("clone: missing the original container (-o NAME or first argument)");
  if (!new_name) {
    throw UsageError("clone: missing the new container's name (-n NAME or second argument)");
  }

  Translation t;
  t.copy = CopyNames{*orig, *new_name, orig_lxcpath, new_lxcpath, false, false};
  t.argv = {"lxc-copy", "-n", *orig, "-N", *new_name};
  t.argv.insert(t.argv.end(), mapped.begin(), mapped.end());
  if (parsed.saw_double_dash) {  // hook options, verbatim
    t.argv.push_back("--");
    t.argv.insert(t.argv.end(), parsed.after_double_dash.begin(), parsed.after_double_dash.end());
  }
  return t;
}

Translation translate_start_ephemeral(std::span<const std::string> args, LxcGeneration gen,
                                      const std::string& generated_name) {
  if (gen == LxcGeneration::legacy) {
    return Translation{old_tool("lxc-start-ephemeral", args), {}, {}, {}};
  }

  const Parsed parsed = parse("start-ephemeral", start_ephemeral_options, args);
  std::optional<std::string> orig;
  std::optional<std::string> name;
  std::string daemon_flag;  // as typed, when given
  bool keep_data = false;
  std::vector<std::string> mapped;
  for (const Given& g : parsed.options) {
    switch (g.id) {
      case Opt::orig: orig = g.value; break;
      case Opt::name: name = g.value; break;
      case Opt::daemon: daemon_flag = g.typed; break;  // lxc-copy -e daemonizes by default
      case Opt::keep_data: mapped.push_back("-D"); keep_data = true; break;
      case Opt::bdir: mapped.insert(mapped.end(), {"-m", "bind=" + g.value + ":" + g.value}); break;
      case Opt::union_type: mapped.insert(mapped.end(), {"-B", g.value}); break;
      default: break;  // clone's options never parse here
    }
  }
  if (!parsed.positionals.empty()) {
    throw UsageError("start-ephemeral: unexpected argument " + single_quoted(parsed.positionals.front()),
                     "name the original container with -o NAME; a command goes after --");
  }
  if (!orig) throw UsageError("start-ephemeral: missing the original container (-o NAME)");
  const std::vector<std::string>& command = parsed.after_double_dash;

  Translation t;
  t.copy = CopyNames{*orig, name.value_or(""), std::nullopt, std::nullopt, true, keep_data};
  if (!command.empty()) {
    if (!daemon_flag.empty()) {
      throw UsageError("start-ephemeral: " + daemon_flag + " cannot be used with a command (-- CMD)");
    }
    EphemeralRun run;
    run.name = name ? *name : generated_name;
    t.copy->new_name = run.name;
    run.copy_argv = {"lxc-copy", "-n", *orig, "-N", run.name, "-e"};
    run.copy_argv.insert(run.copy_argv.end(), mapped.begin(), mapped.end());
    run.command = command;
    t.ephemeral = std::move(run);
    return t;
  }

  t.argv = {"lxc-copy", "-n", *orig};
  if (name) t.argv.insert(t.argv.end(), {"-N", *name});
  t.argv.push_back("-e");
  t.argv.insert(t.argv.end(), mapped.begin(), mapped.end());
  if (daemon_flag.empty()) {  // LXC 1 ran the copy in the foreground, on the terminal
    t.argv.push_back("-F");
    t.interactive = true;
  }
  return t;
}

namespace {

// LXC's log lines carry "lxc-copy: NAME: FILE.c: FUNCTION: LINE " before the message.
std::string tool_words(std::string_view stderr_text) {
  static const std::regex prefix(R"(^lxc-[a-z-]+: .*?[^ ]+\.c: [^ ]+: [0-9]+ )");
  std::string_view rest = stderr_text;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string line(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    line = std::regex_replace(line, prefix, "", std::regex_constants::format_first_only);
    return line.substr(0, line.find_last_not_of(" \t\r") + 1);
  }
  return "";
}

}  // namespace

std::optional<std::string> explain_copy_failure(std::string_view verb, const CopyNames& names,
                                                const CopyOutcome& outcome, std::string_view host) {
  const std::string words = tool_words(outcome.tool_stderr);
  const std::string said = words.empty() ? "" : " (lxc-copy: " + words + ")";
  if (!outcome.orig_listed) return fmt::format("{}: no container '{}' on {}{}", verb, names.orig, host, said);
  // A failed copy leaves no container behind, and an ephemeral one is gone after its run (unless it
  // keeps its data): a copy name listed now was taken before.
  if (!names.new_name.empty() && outcome.new_listed && !(names.ephemeral && names.keep_data))
    return fmt::format("{}: '{}' already exists on {}{}", verb, names.new_name, host, said);
  if (names.ephemeral && !outcome.copy_failed) return std::nullopt;  // CMD's own failure, or a copy that ran and ended so
  return fmt::format("{}: lxc-copy could not copy '{}' to '{}' (exit {}){}", verb, names.orig, names.new_name,
                     outcome.exit_code, words.empty() ? ", and said nothing" : ": " + words);
}

}  // namespace lxhost
