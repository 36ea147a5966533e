#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/sudo_refusal.hpp"

using lxhost::SudoRefusal;
using lxhost::SudoRefusalFilter;

namespace {

const std::string password = "sudo: a password is required\n";
const std::string not_allowed =
    "Sorry, user alice is not allowed to execute '/usr/bin/lxc-ls -f -F NAME,STATE' as root on "
    "vm.\n";
const std::string may_not = "Sorry, user bob may not run sudo on containers.\n";
const std::string old_terminal =
    "sudo: a terminal is required to read the password; either use the -S option to read from "
    "standard input or configure an askpass helper\n";
const std::string old_tty = "sudo: no tty present and no askpass program specified\n";

struct Run {
  std::vector<std::string> outputs;  // what each feed() returned
  std::string passed;                // all of it
  SudoRefusalFilter::Verdict verdict;
};

// Feeds `stderr_text` in chunks of `chunk` bytes (0: all at once), then finishes.
Run run(const std::string& stderr_text, std::size_t chunk, int exit_code) {
  SudoRefusalFilter filter;
  Run r;
  const std::size_t step = chunk == 0 ? std::max<std::size_t>(stderr_text.size(), 1) : chunk;
  for (std::size_t i = 0; i < stderr_text.size(); i += step) {
    r.outputs.push_back(filter.feed(std::string_view(stderr_text).substr(i, step)));
    r.passed += r.outputs.back();
  }
  r.verdict = filter.finish(exit_code);
  return r;
}

}  // namespace

TEST_CASE("sudo refusals with exit 1 are reported and swallowed", "[sudo_refusal]") {
  const std::vector<std::pair<std::string, SudoRefusal>> cases = {
      {password, SudoRefusal::password_required},
      {old_terminal, SudoRefusal::password_required},
      {old_tty, SudoRefusal::password_required},
      {not_allowed, SudoRefusal::not_allowed},
      {may_not, SudoRefusal::not_allowed},
      {"Sorry, user x is not allowed to execute '/usr/bin/lxc-attach -n web -- sh -c 'a b'' as "
       "root on host.local.\n",
       SudoRefusal::not_allowed},
      {"sudo: a password is required\r\n", SudoRefusal::password_required},
  };
  for (const auto& [text, kind] : cases) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
      CAPTURE(text, chunk);
      Run r = run(text, chunk, 1);
      CHECK(r.passed.empty());
      REQUIRE(r.verdict.refusal);
      CHECK(*r.verdict.refusal == kind);
      CHECK(r.verdict.flush.empty());
    }
  }
}

TEST_CASE("a refusal split at every point across two chunks", "[sudo_refusal]") {
  for (const std::string& text : {password, not_allowed, may_not}) {
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      CAPTURE(text, cut);
      SudoRefusalFilter filter;
      CHECK(filter.feed(text.substr(0, cut)).empty());
      CHECK(filter.feed(text.substr(cut)).empty());
      const auto verdict = filter.finish(1);
      CHECK(verdict.refusal);
      CHECK(verdict.flush.empty());
    }
  }
}

TEST_CASE("a refusal-looking line with another exit code is flushed at the end", "[sudo_refusal]") {
  for (int code : {0, 2, 127, 255}) {
    CAPTURE(code);
    Run r = run(password, 0, code);
    CHECK(r.passed.empty());
    CHECK(!r.verdict.refusal);
    CHECK(r.verdict.flush == password);
  }
  Run r = run(not_allowed, 1, 0);
  CHECK(!r.verdict.refusal);
  CHECK(r.verdict.flush == not_allowed);
}

TEST_CASE("after a matched refusal line, later stderr passes at once", "[sudo_refusal]") {
  SudoRefusalFilter f;
  CHECK(f.feed(password + "tail\n") == "tail\n");
  CHECK(f.feed("x") == "x");
  const auto verdict = f.finish(1);
  CHECK(verdict.refusal == SudoRefusal::password_required);
  CHECK(verdict.flush.empty());

  SudoRefusalFilter g;
  CHECK(g.feed(password) == "");
  CHECK(g.feed("tool error\n") == "tool error\n");
  CHECK(g.finish(2).flush == password);
}

TEST_CASE("stderr that cannot be a refusal passes immediately", "[sudo_refusal]") {
  SECTION("first byte decides") {
    SudoRefusalFilter f;
    CHECK(f.feed("x") == "x");
    CHECK(f.feed("sudo: a password is required\n") == "sudo: a password is required\n");
    CHECK(!f.finish(1).refusal);  // not the first line: the tool's own output
  }
  SECTION("byte at a time, LXC's own error") {
    const std::string text = "lxc-start: web: tools/lxc_start.c: main: 257 No container config specified\n";
    Run r = run(text, 1, 1);
    for (std::size_t i = 0; i < r.outputs.size(); ++i) {
      CAPTURE(i);
      CHECK(r.outputs[i] == text.substr(i, 1));
    }
    CHECK(!r.verdict.refusal);
    CHECK(r.verdict.flush.empty());
  }
  SECTION("a prefix is held only while it can still become a refusal") {
    SudoRefusalFilter f;
    CHECK(f.feed("s") == "");
    CHECK(f.feed("u") == "");
    CHECK(f.feed("r") == "sur");  // "sur" starts neither "sudo: " nor "Sorry, user "
    CHECK(f.feed("prise\n") == "prise\n");
    CHECK(f.finish(1).flush.empty());

    SudoRefusalFilter g;
    CHECK(g.feed("Sorr") == "");
    CHECK(g.feed("y, user x") == "");  // starts with "Sorry, user ": held to the end of the line
    CHECK(g.feed(" is here\nnext\n") == "Sorry, user x is here\nnext\n");
    CHECK(!g.finish(1).refusal);

    SudoRefusalFilter k;
    CHECK(k.feed("Sorry, user") == "");
    CHECK(k.feed("s") == "Sorry, users");  // "Sorry, users" is not "Sorry, user "

    SudoRefusalFilter h;
    CHECK(h.feed("sudo") == "");
    CHECK(h.feed(":x") == "sudo:x");
  }
  SECTION("empty chunks change nothing") {
    SudoRefusalFilter f;
    CHECK(f.feed("") == "");
    CHECK(f.feed("su") == "");
    CHECK(f.feed("") == "");
    CHECK(f.finish(0).flush == "su");
  }
}

TEST_CASE("a sudo warning line followed by the tool's output passes unchanged", "[sudo_refusal]") {
  const std::string warning = "sudo: unable to resolve host x: Name or service not known\n";
  const std::string text = warning + "lxc-stop: web: is not running\n";
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
    CAPTURE(chunk);
    Run r = run(text, chunk, 2);
    CHECK(r.passed == text);
    CHECK(!r.verdict.refusal);
    CHECK(r.verdict.flush.empty());
  }
  // Held only until its newline.
  SudoRefusalFilter f;
  CHECK(f.feed("sudo: unable to resolve host x") == "");
  CHECK(f.feed(": Name or service not known\nrest") ==
        "sudo: unable to resolve host x: Name or service not known\nrest");
  // Even with exit 1, a warning is not a refusal.
  CHECK(!run(warning, 0, 1).verdict.refusal);
}

TEST_CASE("near misses are not refusals", "[sudo_refusal]") {
  for (const std::string& text : std::vector<std::string>{
           "sudo: a password is required!\n",
           "sudo: a password is required for root\n",
           " sudo: a password is required\n",
           "Sorry, user alice is not allowed\n",
           "Sorry, user  is not allowed to execute 'x' as root on h.\n",
           "Sorry, user bob may not run sudo on containers\n",
           "sorry, user bob may not run sudo on containers.\n",
           "sudo: unable to resolve host vm\n" + password,  // only the first line counts
       }) {
    CAPTURE(text);
    Run r = run(text, 0, 1);
    CHECK(!r.verdict.refusal);
    CHECK(r.passed + r.verdict.flush == text);
  }
}

TEST_CASE("stdout first: nothing is held", "[sudo_refusal]") {
  SudoRefusalFilter f;
  CHECK(f.saw_stdout().empty());
  CHECK(f.feed("s") == "s");
  CHECK(f.feed(password) == password);
  const auto verdict = f.finish(1);
  CHECK(!verdict.refusal);
  CHECK(verdict.flush.empty());
}

TEST_CASE("stdout while a line is held flushes it", "[sudo_refusal]") {
  SECTION("an incomplete line") {
    SudoRefusalFilter f;
    CHECK(f.feed("sudo: unable") == "");
    CHECK(f.saw_stdout() == "sudo: unable");
    CHECK(f.feed(" to resolve\n") == " to resolve\n");
    CHECK(f.finish(0).flush.empty());
  }
  SECTION("a matched line: the tool ran, so it was not a refusal") {
    SudoRefusalFilter f;
    CHECK(f.feed(password) == "");
    CHECK(f.saw_stdout() == password);
    CHECK(f.saw_stdout().empty());
    const auto verdict = f.finish(1);
    CHECK(!verdict.refusal);
    CHECK(verdict.flush.empty());
  }
}

TEST_CASE("more than 4096 bytes without a newline are flushed", "[sudo_refusal]") {
  SECTION("in one chunk") {
    SudoRefusalFilter f;
    const std::string big = "sudo: " + std::string(5000, 'x');
    CHECK(f.feed(big) == big);
    CHECK(f.feed("\n") == "\n");
    CHECK(f.finish(1).flush.empty());
  }
  SECTION("byte at a time: held up to 4096, flushed at the next byte") {
    SudoRefusalFilter f;
    std::string text = "Sorry, user " + std::string(4096 - 12, 'y');
    REQUIRE(text.size() == 4096);
    for (char c : text) CHECK(f.feed(std::string(1, c)).empty());
    CHECK(f.feed("z") == text + "z");
    CHECK(f.feed("more") == "more");
    CHECK(!f.finish(1).refusal);
  }
  SECTION("a matching line longer than 4096 bytes is not held, however it arrives") {
    const std::string text =
        "Sorry, user alice is not allowed to execute '" + std::string(5000, 'c') + "' as root on vm.\n";
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
      CAPTURE(chunk);
      Run r = run(text, chunk, 1);
      CHECK(r.passed == text);
      CHECK(!r.verdict.refusal);
    }
  }
}

TEST_CASE("the end of the stream ends the first line", "[sudo_refusal]") {
  // sudo always ends its line; still, a complete message cut off by EOF is judged as it stands.
  Run r = run("sudo: a password is required", 0, 1);
  CHECK(r.verdict.refusal == SudoRefusal::password_required);
  CHECK(r.verdict.flush.empty());
  Run partial = run("sudo: a pass", 1, 1);
  CHECK(!partial.verdict.refusal);
  CHECK(partial.verdict.flush == "sudo: a pass");
  Run nothing = run("", 0, 1);
  CHECK(!nothing.verdict.refusal);
  CHECK(nothing.verdict.flush.empty());
}

TEST_CASE("whatever the chunking, no refusal means every byte comes out once, in order",
          "[sudo_refusal]") {
  const std::vector<std::string> texts = {
      "plain error\nsecond\n",
      "sudo: unable to resolve host vm\nsudo: a password is required\n",
      "Sorry, user bob may not run sudo on containers.\nmore",
      password + "after\n",
      "su",
      "Sorry, u\n",
  };
  for (const std::string& text : texts) {
    for (std::size_t chunk = 0; chunk <= 9; ++chunk) {
      for (int code : {0, 2}) {
        CAPTURE(text, chunk, code);
        Run r = run(text, chunk, code);
        CHECK(!r.verdict.refusal);
        // A matched first line is released at the end, after what followed it.
        const std::size_t nl = text.find('\n');
        const bool first_held = nl != std::string::npos &&
                                (text.starts_with(password) || text.starts_with("Sorry, user bob"));
        if (first_held) {
          CHECK(r.passed + r.verdict.flush == text.substr(nl + 1) + text.substr(0, nl + 1));
        } else {
          CHECK(r.passed + r.verdict.flush == text);
        }
      }
    }
  }
}
