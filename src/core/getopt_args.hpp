// getopt_long's syntax for the verbs lxhost translates rather than passes through (LXC 1's
// clone and start-ephemeral, every verb on an LXD host): -oA, -o A, --orig=A, --orig A, bundles
// like -sKM or -so A, `--` ends the options, options may follow positionals. Restricted to a
// verb's own table: anything else that starts with '-' is a UsageError naming the verb and the
// flag. No abbreviated long options. Each caller decides what an option means (its Id).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"

namespace lxhost {

template <typename Id>
struct GetoptOption {
  char short_name;             // 0: long only
  std::string_view long_name;  // without the leading "--"; empty: short only
  bool takes_value;
  Id id;
};

template <typename Id>
struct GetoptGiven {
  Id id;
  std::string typed;  // the flag as the user wrote it, "-o" or "--orig", for messages
  std::string value;
};

template <typename Id>
struct GetoptArgs {
  std::vector<GetoptGiven<Id>> options;  // in the order typed
  std::vector<std::string> positionals;
  bool saw_double_dash = false;
  std::vector<std::string> after_double_dash;
};

inline std::string single_quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

template <typename Id>
GetoptArgs<Id> parse_getopt(std::string_view verb, std::span<const GetoptOption<Id>> specs,
                            std::span<const std::string> args) {
  const std::string prefix = std::string(verb) + ": ";
  GetoptArgs<Id> parsed;
  std::size_t i = 0;
  // The value of a value-taking flag: the rest of its word, else the next argument, whatever
  // it looks like (as getopt does).
  auto next_value = [&](const std::string& typed) -> std::string {
    if (i + 1 >= args.size()) throw UsageError(prefix + typed + " needs a value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      parsed.saw_double_dash = true;
      parsed.after_double_dash.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (arg.starts_with("--")) {
      const std::size_t eq = arg.find('=');
      const std::string typed = arg.substr(0, eq);
      const GetoptOption<Id>* spec = nullptr;
      for (const GetoptOption<Id>& s : specs)
        if (!s.long_name.empty() && typed.substr(2) == s.long_name) spec = &s;
      if (spec == nullptr) throw UsageError(prefix + "unknown flag " + single_quoted(typed));
      if (!spec->takes_value) {
        if (eq != std::string::npos) throw UsageError(prefix + typed + " takes no value");
        parsed.options.push_back({spec->id, typed, {}});
      } else if (eq != std::string::npos) {
        parsed.options.push_back({spec->id, typed, arg.substr(eq + 1)});
      } else {
        parsed.options.push_back({spec->id, typed, next_value(typed)});
      }
      continue;
    }
    if (arg.starts_with("-")) {
      if (arg.size() == 1) throw UsageError(prefix + "unknown flag '-'");
      for (std::size_t j = 1; j < arg.size(); ++j) {
        const std::string typed = std::string("-") + arg[j];
        const GetoptOption<Id>* spec = nullptr;
        for (const GetoptOption<Id>& s : specs)
          if (s.short_name != 0 && arg[j] == s.short_name) spec = &s;
        if (spec == nullptr) throw UsageError(prefix + "unknown flag " + single_quoted(typed));
        if (!spec->takes_value) {
          parsed.options.push_back({spec->id, typed, {}});
          continue;
        }
        std::string value = j + 1 < arg.size() ? arg.substr(j + 1) : next_value(typed);
        parsed.options.push_back({spec->id, typed, std::move(value)});
        break;
      }
      continue;
    }
    parsed.positionals.push_back(arg);
  }
  return parsed;
}

}  // namespace lxhost
