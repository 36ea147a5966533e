#include <string>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/legacy_verbs.hpp"
#include "core/verbs.hpp"

using lxhost::LxcGeneration;
using lxhost::Translation;
using lxhost::UsageError;
using Args = std::vector<std::string>;

namespace {

Translation clone(const Args& args) { return lxhost::translate_clone(args, LxcGeneration::modern); }

Translation ephemeral(const Args& args) {
  return lxhost::translate_start_ephemeral(args, LxcGeneration::modern, "base-eph-1234");
}

Args clone_argv(const Args& args) {
  Translation t = clone(args);
  CHECK(!t.ephemeral);
  CHECK(!t.interactive);
  return t.argv;
}

std::string clone_error(const Args& args) {
  try {
    clone(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string ephemeral_error(const Args& args) {
  try {
    ephemeral(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("clone: the original and the new name, in every syntax", "[legacy_verbs]") {
  const Args expected = {"lxc-copy", "-n", "A", "-N", "B"};
  CHECK(clone_argv({"-o", "A", "-n", "B"}) == expected);
  CHECK(clone_argv({"A", "B"}) == expected);
  CHECK(clone_argv({"--orig=A", "--new=B"}) == expected);
  CHECK(clone_argv({"--orig", "A", "--new", "B"}) == expected);
  CHECK(clone_argv({"-oA", "-nB"}) == expected);
  CHECK(clone_argv({"-n", "B", "-o", "A"}) == expected);
  // A positional fills what the flags left open, wherever the flags are (getopt permutes).
  CHECK(clone_argv({"-o", "A", "B"}) == expected);
  CHECK(clone_argv({"-n", "B", "A"}) == expected);
  CHECK(clone_argv({"B", "-o", "A"}) == expected);
  CHECK(clone_argv({"A", "-n", "B"}) == expected);
  // The last of a repeated flag wins, as with getopt.
  CHECK(clone_argv({"-o", "X", "-o", "A", "-n", "B"}) == expected);
  // Empty values are values.
  CHECK(clone_argv({"--orig=", "--new="}) == Args{"lxc-copy", "-n", "", "-N", ""});
}

TEST_CASE("clone: each flag maps to lxc-copy, in the order typed", "[legacy_verbs]") {
  CHECK(clone_argv({"A", "B", "-s"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-s"});
  CHECK(clone_argv({"A", "B", "--snapshot"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-s"});
  CHECK(clone_argv({"A", "B", "-B", "btrfs"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-B", "btrfs"});
  CHECK(clone_argv({"A", "B", "--backingstore=overlay"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-B", "overlay"});
  CHECK(clone_argv({"A", "B", "-L", "2G"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-L", "2G"});
  CHECK(clone_argv({"A", "B", "--fssize", "2G"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-L", "2G"});
  CHECK(clone_argv({"A", "B", "-K"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-K"});
  CHECK(clone_argv({"A", "B", "--keepname"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-K"});
  CHECK(clone_argv({"A", "B", "-M"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-M"});
  CHECK(clone_argv({"A", "B", "--keepmac"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-M"});

  // Order preserved, names placed first.
  CHECK(clone_argv({"-M", "-B", "dir", "-o", "A", "-K", "-n", "B", "-s", "-L", "1G"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-M", "-B", "dir", "-K", "-s", "-L", "1G"});
  // Bundles, and a value-taking flag ending a bundle takes the next argument or the rest.
  CHECK(clone_argv({"-sKM", "A", "B"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-s", "-K", "-M"});
  CHECK(clone_argv({"-so", "A", "B"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-s"});
  CHECK(clone_argv({"-sBbtrfs", "A", "B"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-s", "-B", "btrfs"});
  CHECK(clone_argv({"-Ks", "-n", "B", "-Mo", "A"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-K", "-s", "-M"});
}

TEST_CASE("clone: -p (source lxcpath) and -P (new lxcpath) swap for lxc-copy", "[legacy_verbs]") {
  CHECK(clone_argv({"A", "B", "-p", "/src"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-P", "/src"});
  CHECK(clone_argv({"A", "B", "-P", "/new"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-p", "/new"});
  CHECK(clone_argv({"A", "B", "--lxcpath=/src", "--newpath=/new"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-P", "/src", "-p", "/new"});
  CHECK(clone_argv({"-P/new", "-p/src", "A", "B"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-p", "/new", "-P", "/src"});
}

TEST_CASE("clone: `--` and the hook options after it are appended verbatim", "[legacy_verbs]") {
  CHECK(clone_argv({"A", "B", "-s", "--", "-x", "--orig", "C"}) ==
        Args{"lxc-copy", "-n", "A", "-N", "B", "-s", "--", "-x", "--orig", "C"});
  CHECK(clone_argv({"-o", "A", "-n", "B", "--"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "--"});
  // After `--` nothing fills the names.
  CHECK(clone_error({"A", "--", "B"}) ==
        "clone: missing the new container's name (-n NAME or second argument)");
}

TEST_CASE("clone: values that look like flags are values", "[legacy_verbs]") {
  CHECK(clone_argv({"-o", "A", "-n", "-weird"}) == Args{"lxc-copy", "-n", "A", "-N", "-weird"});
  CHECK(clone_argv({"--orig", "--new", "-n", "B"}) == Args{"lxc-copy", "-n", "--new", "-N", "B"});
  CHECK(clone_argv({"A", "B", "-B", "--"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-B", "--"});
  CHECK(clone_argv({"A", "B", "-L", "-s"}) == Args{"lxc-copy", "-n", "A", "-N", "B", "-L", "-s"});
  // Odd bytes pass unchanged.
  CHECK(clone_argv({"a b", "c'd\n"}) == Args{"lxc-copy", "-n", "a b", "-N", "c'd\n"});
}

TEST_CASE("clone: errors name the verb and the flag", "[legacy_verbs]") {
  CHECK(clone_error({"-x", "A", "B"}) == "clone: unknown flag '-x'");
  CHECK(clone_error({"A", "B", "-sx"}) == "clone: unknown flag '-x'");
  CHECK(clone_error({"A", "B", "-e"}) == "clone: unknown flag '-e'");  // lxc-copy's, not LXC 1's
  CHECK(clone_error({"A", "B", "--union"}) == "clone: unknown flag '--union'");
  CHECK(clone_error({"A", "B", "--union=x"}) == "clone: unknown flag '--union'");
  CHECK(clone_error({"A", "B", "--help"}) == "clone: unknown flag '--help'");
  CHECK(clone_error({"A", "B", "--snap"}) == "clone: unknown flag '--snap'");  // no abbreviations
  CHECK(clone_error({"A", "B", "-"}) == "clone: unknown flag '-'");
  CHECK(clone_error({"A", "B", "--snapshot=x"}) == "clone: --snapshot takes no value");
  CHECK(clone_error({"A", "-o"}) == "clone: -o needs a value");
  CHECK(clone_error({"A", "-so"}) == "clone: -o needs a value");
  CHECK(clone_error({"A", "B", "--orig"}) == "clone: --orig needs a value");
  CHECK(clone_error({"A", "B", "-P"}) == "clone: -P needs a value");
  CHECK(clone_error({}) == "clone: missing the original container (-o NAME or first argument)");
  CHECK(clone_error({"-s"}) == "clone: missing the original container (-o NAME or first argument)");
  CHECK(clone_error({"A"}) == "clone: missing the new container's name (-n NAME or second argument)");
  CHECK(clone_error({"-o", "A"}) ==
        "clone: missing the new container's name (-n NAME or second argument)");
  CHECK(clone_error({"-n", "B"}) == "clone: missing the original container (-o NAME or first argument)");
  CHECK(clone_error({"A", "B", "C"}) == "clone: unexpected argument 'C'");
  CHECK(clone_error({"-o", "A", "B", "C"}) == "clone: unexpected argument 'C'");
  CHECK(clone_error({"-o", "A", "-n", "B", "C"}) == "clone: unexpected argument 'C'");
  REQUIRE_THROWS_AS(clone({"-x"}), UsageError);
}

TEST_CASE("start-ephemeral: each row of the table", "[legacy_verbs]") {
  SECTION("-d: daemonized, the table's PTY default") {
    Translation t = ephemeral({"-o", "A", "-d"});
    CHECK(t.argv == Args{"lxc-copy", "-n", "A", "-e"});
    CHECK(!t.interactive);
    CHECK(!t.ephemeral);
    CHECK(ephemeral({"-o", "A", "-n", "N", "-d"}).argv == Args{"lxc-copy", "-n", "A", "-N", "N", "-e"});
    CHECK(ephemeral({"--daemon", "--orig=A", "--name=N"}).argv ==
          Args{"lxc-copy", "-n", "A", "-N", "N", "-e"});
  }
  SECTION("without -d: in the foreground, on a terminal") {
    Translation t = ephemeral({"-o", "A"});
    CHECK(t.argv == Args{"lxc-copy", "-n", "A", "-e", "-F"});
    REQUIRE(t.interactive);
    CHECK(*t.interactive);
    CHECK(!t.ephemeral);
    CHECK(ephemeral({"-o", "A", "-n", "N"}).argv == Args{"lxc-copy", "-n", "A", "-N", "N", "-e", "-F"});
  }
  SECTION("-k, -b, -u map in the order typed") {
    CHECK(ephemeral({"-o", "A", "-d", "-k"}).argv == Args{"lxc-copy", "-n", "A", "-e", "-D"});
    CHECK(ephemeral({"-o", "A", "-d", "--keep-data"}).argv == Args{"lxc-copy", "-n", "A", "-e", "-D"});
    CHECK(ephemeral({"-o", "A", "-d", "-b", "/srv/x"}).argv ==
          Args{"lxc-copy", "-n", "A", "-e", "-m", "bind=/srv/x:/srv/x"});
    CHECK(ephemeral({"-o", "A", "-d", "--bdir", "/srv/x"}).argv ==
          Args{"lxc-copy", "-n", "A", "-e", "-m", "bind=/srv/x:/srv/x"});
    CHECK(ephemeral({"-o", "A", "-d", "-u", "overlay"}).argv ==
          Args{"lxc-copy", "-n", "A", "-e", "-B", "overlay"});
    CHECK(ephemeral({"-o", "A", "-d", "--union-type=overlayfs"}).argv ==
          Args{"lxc-copy", "-n", "A", "-e", "-B", "overlayfs"});
    CHECK(ephemeral({"-u", "overlay", "-k", "-oA", "-b/d", "-n", "N"}).argv ==
          Args{"lxc-copy", "-n", "A", "-N", "N", "-e", "-B", "overlay", "-D", "-m", "bind=/d:/d", "-F"});
    CHECK(ephemeral({"-dko", "A"}).argv == Args{"lxc-copy", "-n", "A", "-e", "-D"});
    CHECK(ephemeral({"-kdoA"}).argv == Args{"lxc-copy", "-n", "A", "-e", "-D"});
    CHECK(ephemeral({"-o", "A", "-n", "-weird", "-d"}).argv ==
          Args{"lxc-copy", "-n", "A", "-N", "-weird", "-e"});
  }
  SECTION("-- CMD: an ephemeral copy with a name, then the command") {
    Translation t = ephemeral({"-o", "A", "-k", "--", "make", "-j", "4"});
    CHECK(t.argv.empty());
    CHECK(!t.interactive);
    REQUIRE(t.ephemeral);
    CHECK(t.ephemeral->copy_argv == Args{"lxc-copy", "-n", "A", "-N", "base-eph-1234", "-e", "-D"});
    CHECK(t.ephemeral->name == "base-eph-1234");
    CHECK(t.ephemeral->command == Args{"make", "-j", "4"});

    Translation named = ephemeral({"-n", "mine", "-u", "overlay", "-o", "A", "--", "sh", "-c", "x; y"});
    REQUIRE(named.ephemeral);
    CHECK(named.ephemeral->copy_argv ==
          Args{"lxc-copy", "-n", "A", "-N", "mine", "-e", "-B", "overlay"});
    CHECK(named.ephemeral->name == "mine");
    CHECK(named.ephemeral->command == Args{"sh", "-c", "x; y"});

    // Everything after `--` belongs to the command, flags included.
    Translation flags = ephemeral({"-o", "A", "--", "-d", "--", "-o"});
    REQUIRE(flags.ephemeral);
    CHECK(flags.ephemeral->command == Args{"-d", "--", "-o"});
  }
  SECTION("`--` with no command is the foreground run") {
    Translation t = ephemeral({"-o", "A", "--"});
    CHECK(t.argv == Args{"lxc-copy", "-n", "A", "-e", "-F"});
    CHECK(!t.ephemeral);
  }
}

TEST_CASE("start-ephemeral: errors name the verb and the flag", "[legacy_verbs]") {
  CHECK(ephemeral_error({"-o", "A", "--union"}) == "start-ephemeral: unknown flag '--union'");
  CHECK(ephemeral_error({"-o", "A", "-x"}) == "start-ephemeral: unknown flag '-x'");
  CHECK(ephemeral_error({"-o", "A", "-s"}) == "start-ephemeral: unknown flag '-s'");  // a clone flag
  CHECK(ephemeral_error({"-o", "A", "-dz"}) == "start-ephemeral: unknown flag '-z'");
  CHECK(ephemeral_error({"-o", "A", "--keep-data=1"}) == "start-ephemeral: --keep-data takes no value");
  CHECK(ephemeral_error({"-o"}) == "start-ephemeral: -o needs a value");
  CHECK(ephemeral_error({"-o", "A", "--bdir"}) == "start-ephemeral: --bdir needs a value");
  CHECK(ephemeral_error({"-o", "A", "-u"}) == "start-ephemeral: -u needs a value");
  CHECK(ephemeral_error({}) == "start-ephemeral: missing the original container (-o NAME)");
  CHECK(ephemeral_error({"-d", "-n", "N"}) == "start-ephemeral: missing the original container (-o NAME)");
  CHECK(ephemeral_error({"--", "true"}) == "start-ephemeral: missing the original container (-o NAME)");
  CHECK(ephemeral_error({"-o", "A", "make"}) == "start-ephemeral: unexpected argument 'make'");
  CHECK(ephemeral_error({"A"}) == "start-ephemeral: unexpected argument 'A'");
  CHECK(ephemeral_error({"-o", "A", "-d", "--", "true"}) ==
        "start-ephemeral: -d cannot be used with a command (-- CMD)");
  CHECK(ephemeral_error({"--daemon", "-o", "A", "--", "true"}) ==
        "start-ephemeral: --daemon cannot be used with a command (-- CMD)");
  REQUIRE_THROWS_AS(ephemeral({"-o", "A", "-x"}), UsageError);
}

TEST_CASE("legacy hosts get the old tools with the arguments unchanged", "[legacy_verbs]") {
  const Args args = {"-o", "A", "-x", "--weird=1", "", "--", "a b"};
  Translation c = lxhost::translate_clone(args, LxcGeneration::legacy);
  CHECK(c.argv == Args{"lxc-clone", "-o", "A", "-x", "--weird=1", "", "--", "a b"});
  CHECK(!c.ephemeral);
  CHECK(!c.interactive);
  Translation e = lxhost::translate_start_ephemeral(args, LxcGeneration::legacy, "gen");
  CHECK(e.argv == Args{"lxc-start-ephemeral", "-o", "A", "-x", "--weird=1", "", "--", "a b"});
  CHECK(!e.ephemeral);
  CHECK(!e.interactive);
  CHECK(lxhost::translate_clone({}, LxcGeneration::legacy).argv == Args{"lxc-clone"});
}

TEST_CASE("every LXC 1 flag of the verb table is one the translation accepts", "[legacy_verbs]") {
  // The table drives completion: what it offers must never be refused.
  const auto takes_no_value = [](std::string_view flag) {
    for (std::string_view f : {"-s", "--snapshot", "-K", "--keepname", "-M", "--keepmac", "-d",
                               "--daemon", "-k", "--keep-data"}) {
      if (f == flag) return true;
    }
    return false;
  };
  const auto accepted = [&](std::string_view verb, std::string_view flag) {
    Args args = verb == "clone" ? Args{"-o", "A", "-n", "B"} : Args{"-o", "A"};
    args.emplace_back(flag);
    if (!takes_no_value(flag)) args.emplace_back("value");
    try {
      if (verb == "clone") {
        clone(args);
      } else {
        ephemeral(args);
      }
    } catch (const UsageError& e) {
      INFO(e.what());
      return false;
    }
    return true;
  };
  for (std::string_view verb : {"clone", "start-ephemeral"}) {
    const lxhost::Verb* row = lxhost::find_verb(verb);
    REQUIRE(row != nullptr);
    for (std::string_view flag : row->flags) {
      CAPTURE(verb, flag);
      CHECK(accepted(verb, flag));
    }
  }
}

TEST_CASE("asking for help before any -- gets lxhost's help for an LXC 1 verb", "[legacy_verbs]") {
  CHECK(lxhost::asks_for_help(Args{"--help"}));
  CHECK(lxhost::asks_for_help(Args{"-o", "base", "-h"}));
  CHECK(lxhost::asks_for_help(Args{"-?"}));
  CHECK(lxhost::asks_for_help(Args{"--usage"}));
  CHECK_FALSE(lxhost::asks_for_help(Args{"-o", "base", "--", "ls", "--help"}));
  CHECK_FALSE(lxhost::asks_for_help(Args{"-o", "base", "-n", "x", "-s"}));
}

TEST_CASE("a translated copy names its containers, for explaining its failure", "[legacy_verbs]") {
  const Translation t = clone({"-o", "A", "-n", "B", "-p", "/src", "-P", "/dst"});
  REQUIRE(t.copy);
  CHECK(t.copy->orig == "A");
  CHECK(t.copy->new_name == "B");
  CHECK(t.copy->orig_lxcpath == "/src");
  CHECK(t.copy->new_lxcpath == "/dst");
  CHECK_FALSE(t.copy->ephemeral);
  const Translation e = ephemeral({"-o", "A", "-k"});
  REQUIRE(e.copy);
  CHECK(e.copy->ephemeral);
  CHECK(e.copy->keep_data);
  CHECK(e.copy->new_name.empty());
  CHECK(ephemeral({"-o", "A", "--", "true"}).copy->new_name == "base-eph-1234");
  CHECK_FALSE(lxhost::translate_clone(Args{"A", "B"}, LxcGeneration::legacy).copy);
}

TEST_CASE("a failed copy is explained in one line, with lxc-copy's own words", "[legacy_verbs]") {
  using lxhost::CopyNames;
  using lxhost::CopyOutcome;
  using lxhost::explain_copy_failure;
  const CopyNames clone_names{"base", "web", std::nullopt, std::nullopt, false, false};
  const std::string missing = "lxc-copy: nosuch: ../src/lxc/tools/lxc_copy.c: main: 218 Container nosuch is not defined\n";
  CHECK(explain_copy_failure("clone", {"nosuch", "y", {}, {}, false, false}, CopyOutcome{1, false, false, missing}, "h") ==
        "clone: no container 'nosuch' on h (lxc-copy: Container nosuch is not defined)");
  const std::string exists =
      "lxc-copy: base: ../src/lxc/lxccontainer.c: do_lxcapi_clone: 3815 error: clone: /l/web/config exists\n"
      "lxc-copy: base: ../src/lxc/tools/lxc_copy.c: do_clone: 391 Failed to clone\n";
  CHECK(explain_copy_failure("clone", clone_names, CopyOutcome{1, true, true, exists}, "h") ==
        "clone: 'web' already exists on h (lxc-copy: error: clone: /l/web/config exists)");
  CHECK(explain_copy_failure("clone", clone_names, CopyOutcome{1, true, false, "Directories cannot be snapshotted\n"}, "h") ==
        "clone: lxc-copy could not copy 'base' to 'web' (exit 1): Directories cannot be snapshotted");
  CHECK(explain_copy_failure("clone", clone_names, CopyOutcome{1, true, false, ""}, "h") ==
        "clone: lxc-copy could not copy 'base' to 'web' (exit 1), and said nothing");
  CHECK(explain_copy_failure("clone", {"nosuch", "y", {}, {}, false, false}, CopyOutcome{1, false, false, ""}, "h") ==
        "clone: no container 'nosuch' on h");
  // start-ephemeral: CMD's own failure says nothing about the copy; a kept copy is no proof.
  const CopyNames eph{"base", "e1", std::nullopt, std::nullopt, true, false};
  CHECK(explain_copy_failure("start-ephemeral", eph, CopyOutcome{7, true, false, ""}, "h") == std::nullopt);
  CHECK(explain_copy_failure("start-ephemeral", eph, CopyOutcome{1, true, true, ""}, "h") ==
        "start-ephemeral: 'e1' already exists on h");
  CHECK(explain_copy_failure("start-ephemeral", {"base", "e1", {}, {}, true, true}, CopyOutcome{1, true, true, ""}, "h") ==
        std::nullopt);
}

TEST_CASE("the LXC generation's cache file: exactly what was written, else nothing", "[legacy]") {
  using lxhost::parse_generation;
  using lxhost::render_generation;
  CHECK(parse_generation(render_generation(LxcGeneration::modern)) == LxcGeneration::modern);
  CHECK(parse_generation(render_generation(LxcGeneration::legacy)) == LxcGeneration::legacy);
  CHECK_FALSE(parse_generation(""));
  CHECK_FALSE(parse_generation("modern"));
  CHECK_FALSE(parse_generation("modern\nlegacy\n"));
  CHECK_FALSE(parse_generation("Modern\n"));
}
