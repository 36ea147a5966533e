#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "core/shell_quote.hpp"
#include "run_captured.hpp"

namespace {

using lxhost::quote_word;
using lxhost::quote_words;
using lxhost::testing::run_captured;
using lxhost::testing::RunResult;

struct Shell {
  std::string label;
  std::vector<std::string> argv_prefix;  // run as PREFIX... SCRIPT
};

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string first_executable(std::initializer_list<const char*> paths) {
  for (const char* path : paths) {
    if (executable(path)) return path;
  }
  return {};
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

// The shells installed here: /bin/sh (dash on Debian) always, dash, bash and zsh when present
// and not the same program as /bin/sh. zsh runs natively (not `emulate sh`), with -f so that no
// user rc file interferes.
std::vector<Shell> installed_shells() {
  std::vector<Shell> shells;
  shells.push_back({"sh", {"/bin/sh", "-c"}});
  const std::string sh = real_path("/bin/sh");
  if (std::string dash = first_executable({"/bin/dash", "/usr/bin/dash"});
      !dash.empty() && real_path(dash) != sh) {
    shells.push_back({"dash", {dash, "-c"}});
  }
  if (std::string bash = first_executable({"/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash",
                                           "/opt/homebrew/bin/bash"});
      !bash.empty()) {
    shells.push_back({"bash", {bash, "-c"}});
  }
  if (std::string zsh = first_executable({"/bin/zsh", "/usr/bin/zsh", "/usr/local/bin/zsh",
                                          "/opt/homebrew/bin/zsh"});
      !zsh.empty()) {
    shells.push_back({"zsh", {zsh, "-f", "-c"}});
  }
  return shells;
}

// Bytes made visible for failure messages.
std::string visible(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      char hex[8];
      (void)std::snprintf(hex, sizeof hex, "\\x%02x", u);  // 4 chars: always fits
      out += hex;
    }
  }
  return out.size() > 400 ? out.substr(0, 400) + "..." : out;
}

const std::vector<std::string>& test_env_utf8() {
  static const std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
  return env;
}
const std::vector<std::string>& test_env_c() {
  static const std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
  return env;
}

std::string expected_output(const std::vector<std::string>& args) {
  std::string expected;
  for (const std::string& a : args) {
    expected += '<';
    expected += a;
    expected += '>';
    expected += '\0';
  }
  return expected;
}

std::string printf_line(const std::vector<std::string>& args) {
  return "printf '<%s>\\0' " + quote_words(args);
}

RunResult run_script(const Shell& shell, const std::string& script, const std::vector<std::string>& env) {
  std::vector<std::string> argv = shell.argv_prefix;
  argv.push_back(script);
  return run_captured(argv, env);
}

// Every shell must give back each argument byte for byte: printf '<%s>\0' ARGS...
void check_round_trip(const std::vector<Shell>& shells, const std::vector<std::string>& args,
                      const std::vector<std::string>& env) {
  const std::string script = printf_line(args);
  for (const Shell& shell : shells) {
    RunResult r = run_script(shell, script, env);
    INFO("shell: " << shell.label << ", " << env.back());
    INFO("script: " << visible(script));
    INFO("got: " << visible(r.out));
    CHECK(r.status == 0);
    CHECK(r.out == expected_output(args));
  }
}

// The same for many argument lists, one printf line each, in one shell run per shell (spawning
// a shell per list is slow); a failing batch is re-run list by list to name the culprit.
void check_round_trips(const std::vector<Shell>& shells,
                       const std::vector<std::vector<std::string>>& lists,
                       const std::vector<std::string>& env) {
  constexpr std::size_t batch = 40;
  for (std::size_t first = 0; first < lists.size(); first += batch) {
    const std::size_t last = std::min(lists.size(), first + batch);
    std::string script, expected;
    for (std::size_t i = first; i < last; ++i) {
      script += printf_line(lists[i]) + "\n";
      expected += expected_output(lists[i]);
    }
    for (const Shell& shell : shells) {
      RunResult r = run_script(shell, script, env);
      if (r.status == 0 && r.out == expected) continue;
      INFO("batch of lists " << first << ".." << last - 1 << " failed in " << shell.label);
      for (std::size_t i = first; i < last; ++i) {
        INFO("list " << i);
        check_round_trip({shell}, lists[i], env);
      }
      FAIL("the batch failed but no single list did: " << visible(r.out));
    }
  }
}

std::string random_bytes(std::mt19937& rng, std::size_t size) {
  std::uniform_int_distribution<int> byte(1, 255);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

}  // namespace

TEST_CASE("quote_word: exact output", "[shell_quote]") {
  CHECK(quote_word("") == "''");
  CHECK(quote_word("abc") == "abc");
  CHECK(quote_word("a b") == "'a b'");
  CHECK(quote_word("it's") == "'it'\\''s'");
  CHECK(quote_word("'") == "''\\'''");
  CHECK(quote_word("lxc-ls") == "lxc-ls");
  CHECK(quote_word("-n") == "-n");
  CHECK(quote_word("--name=web_1") == "--name=web_1");
  CHECK(quote_word("NAME,STATE,IPV4,IPV6") == "NAME,STATE,IPV4,IPV6");
  CHECK(quote_word("user@host:/var/lib/lxc+x%1") == "user@host:/var/lib/lxc+x%1");
  CHECK(quote_word("$HOME") == "'$HOME'");
  CHECK(quote_word("~") == "'~'");
  CHECK(quote_word("a\nb") == "'a\nb'");
  CHECK(quote_word("=ls") == "'=ls'");  // zsh would expand =ls to /bin/ls
  CHECK(quote_word("a=b") == "a=b");
}

TEST_CASE("quote_words: joined by single spaces", "[shell_quote]") {
  std::vector<std::string> none;
  CHECK(quote_words(none).empty());
  std::vector<std::string> one = {""};
  CHECK(quote_words(one) == "''");
  std::vector<std::string> words = {"lxc-attach", "-n", "web", "--", "sh", "-c", "echo $1", ""};
  CHECK(quote_words(words) == "lxc-attach -n web -- sh -c 'echo $1' ''");
}

TEST_CASE("quote_words: named cases survive real shells", "[shell_quote]") {
  const std::vector<Shell> shells = installed_shells();
  REQUIRE(!shells.empty());

  std::vector<std::vector<std::string>> cases = {
      {""},
      {"", "", ""},
      {"a b", " leading", "trailing ", "  two  spaces  "},
      {"\t", "a\tb"},
      {"|&;<>()$`\\\"' *?[]#~=%!{}"},
      {"'"},
      {"''''"},
      {"\"", "\"\"", "a\"b"},
      {"it's", "'quoted'", "'"},
      {"\\", "\\\\", "a\\nb", "\\'", "trailing\\"},
      {"\n", "a\nb", "\n\n", "line\n"},
      {"\r", "a\r\nb"},
      {"\xff", "\xc3", "\xc0\xaf", "a\xff" "b"},
      {"h\xc3\xa9llo", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe6\x97\xa5\xe6\x9c\xac"},
      {"-n", "--", "-", "-e", "--help", "-nfoo"},
      {"$(echo pwned)", "`echo pwned`", "${HOME}", "$HOME", "$0", "$@", "$*", "$$", "$?"},
      {"*", "/*", "?", "[a]", "~", "~root", "{a,b}", "a{1..3}", "!", "!!", "#comment", "%1"},
      {"=", "=ls", "==", "a=b", "FOO=bar"},
      {"lxc-ls", "-f", "-F", "NAME,STATE,IPV4,IPV6", "-P", "/var/lib/lxc"},
  };
  // Every shell metacharacter on its own, and inside a word.
  for (char c : std::string_view("|&;<>()$`\\\"' *?[]#~=%!{}^")) {
    cases.push_back({std::string(1, c), std::string("a") + c + "b", std::string(1, c) + "x"});
  }
  // Every control character on its own and inside a word.
  for (int c = 1; c <= 0x1f; ++c) {
    const std::string ch(1, static_cast<char>(c));
    cases.push_back({ch, "x" + ch + "y"});
  }
  cases.push_back({"\x7f", "x\x7fy"});
  // All control characters and the 0x80..0xff range in single words.
  {
    std::string controls, high;
    for (int c = 1; c <= 0x1f; ++c) controls.push_back(static_cast<char>(c));
    controls.push_back('\x7f');
    for (int c = 0x80; c <= 0xff; ++c) high.push_back(static_cast<char>(c));
    cases.push_back({controls, high});
  }

  check_round_trips(shells, cases, test_env_utf8());
  check_round_trips(shells, cases, test_env_c());
  // And each on its own line of its own shell: a batch could hide a quote that only closes on
  // a later line.
  for (const auto& args : cases) {
    check_round_trip(shells, args, test_env_utf8());
  }
}

TEST_CASE("quote_words: a 64 KiB argument of random bytes survives real shells", "[shell_quote]") {
  const std::vector<Shell> shells = installed_shells();
  std::mt19937 rng(20240611u);
  const std::string big = random_bytes(rng, std::size_t{64} * 1024);
  check_round_trip(shells, {big}, test_env_utf8());
  check_round_trip(shells, {"before", big, "after"}, test_env_c());
}

TEST_CASE("quote_words: a generated corpus survives real shells", "[shell_quote]") {
  const std::vector<Shell> shells = installed_shells();
  std::mt19937 rng(12345u);
  // Mostly characters that matter to a shell, some plain ones, some arbitrary bytes.
  const std::string_view interesting = "|&;<>()$`\\\"' *?[]#~=%!{}^\t\n\r-_@+:,./aZ09";
  std::uniform_int_distribution<int> arg_count(1, 6);
  std::uniform_int_distribution<int> arg_length(0, 24);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<std::size_t> pick(0, interesting.size() - 1);
  std::uniform_int_distribution<int> any_byte(1, 255);
  std::uniform_int_distribution<int> plain(0, 2);
  const std::string_view plain_chars = "abcXYZ019_@%+=:,./-";
  std::uniform_int_distribution<std::size_t> pick_plain(0, plain_chars.size() - 1);

  std::vector<std::vector<std::string>> corpus;
  for (int i = 0; i < 400; ++i) {
    std::vector<std::string> args;
    const int n = arg_count(rng);
    for (int j = 0; j < n; ++j) {
      std::string arg;
      const int len = arg_length(rng);
      const bool plain_only = plain(rng) == 0;  // exercise the unquoted path too
      for (int k = 0; k < len; ++k) {
        if (plain_only) {
          arg.push_back(plain_chars[pick_plain(rng)]);
        } else if (kind(rng) < 7) {
          arg.push_back(interesting[pick(rng)]);
        } else {
          arg.push_back(static_cast<char>(any_byte(rng)));
        }
      }
      args.push_back(std::move(arg));
    }
    corpus.push_back(std::move(args));
  }
  check_round_trips(shells, corpus, test_env_utf8());
  check_round_trips(shells, corpus, test_env_c());
}
