#include <string>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/publish_service.hpp"

using namespace lxhost;

namespace {

using Argv = std::vector<std::string>;

const Argv kSimple = {"/usr/bin/lxhost", "-c", "/home/u/.config/lxhost/config.toml",
                      "publish", "-H", "lab", "-H", "other"};

// The value of the unit's ExecStart= line.
std::string exec_start(const std::string& unit) {
  const std::string key = "\nExecStart=";
  const std::size_t start = unit.find(key);
  REQUIRE(start != std::string::npos);
  const std::size_t value = start + key.size();
  return unit.substr(value, unit.find('\n', value) - value);
}

// The unit's ExecStart for `/usr/bin/lxhost WORD`: WORD as systemd would have it written.
std::string unit_word(const std::string& word) {
  const std::string line = exec_start(systemd_user_unit({"/usr/bin/lxhost", word}));
  REQUIRE(line.rfind("/usr/bin/lxhost ", 0) == 0);
  return line.substr(std::string("/usr/bin/lxhost ").size());
}

// The <string>s of the plist's ProgramArguments, as written.
std::vector<std::string> program_arguments(const std::string& plist) {
  const std::size_t begin = plist.find("<array>\n");
  const std::size_t end = plist.find("\t</array>");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::vector<std::string> words;
  const std::string open = "<string>";
  const std::string close = "</string>\n";
  for (std::size_t at = plist.find(open, begin); at < end; at = plist.find(open, at)) {
    const std::size_t text = at + open.size();
    const std::size_t stop = plist.find(close, text);
    words.push_back(plist.substr(text, stop - text));
    at = stop;
  }
  return words;
}

}  // namespace

TEST_CASE("publish service: the systemd unit, exactly, for a plain command line", "[publish_service]") {
  CHECK(systemd_user_unit(kSimple) ==
        "# Written by `lxhost publish --install`; `lxhost publish --uninstall` removes it.\n"
        "[Unit]\n"
        "Description=lxhost publish: NAME.local for the running containers of the watched hosts\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "ExecStart=/usr/bin/lxhost -c /home/u/.config/lxhost/config.toml publish -H lab -H other\n"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n");
}

// systemd 252 itself read each spelling below back as exactly the word given (the ExecStart argv
// that `systemd --test --user` dumps), `$$` still doubled: that is undone as the command starts.
TEST_CASE("publish service: each ExecStart word is quoted by systemd's rules", "[publish_service]") {
  CHECK(unit_word("a-b_c@d+e=f:g,h./i") == "a-b_c@d+e=f:g,h./i");      // bare
  CHECK(unit_word("my config.toml") == "\"my config.toml\"");         // a space
  CHECK(unit_word("a\"b") == "\"a\\\"b\"");                            // a double quote
  CHECK(unit_word("it's") == "\"it's\"");                              // a single quote
  CHECK(unit_word("back\\slash") == "\"back\\\\slash\"");              // a backslash, doubled
  CHECK(unit_word("100%") == "100%%");                                 // % specifiers
  CHECK(unit_word("100% sure") == "\"100%% sure\"");                   // also inside quotes
  CHECK(unit_word("$HOME") == "$$HOME");                               // $ variables
  CHECK(unit_word("${HOME}") == "\"$${HOME}\"");                       // also inside quotes
  CHECK(unit_word(";") == "\";\"");                                    // a lone ; separates commands
  CHECK(unit_word("a;b") == "\"a;b\"");
  CHECK(unit_word("") == "\"\"");                                      // an empty word stays a word
  CHECK(unit_word("#x") == "\"#x\"");
  CHECK(unit_word("tab\there") == "\"tab\\there\"");                   // control characters as C escapes
  CHECK(unit_word("cr\rhere") == "\"cr\\rhere\"");
  CHECK(unit_word(std::string("\x01") + "\x7f") == "\"\\x01\\x7f\"");
  CHECK(unit_word("caf\xc3\xa9") == "\"caf\xc3\xa9\"");                // UTF-8 as it is
  // The program: quoted and % doubled too; it is the executable's path.
  CHECK(exec_start(systemd_user_unit({"/opt/my tools/100%/lxhost", "publish"})) ==
        "\"/opt/my tools/100%%/lxhost\" publish");
  CHECK(exec_start(systemd_user_unit({"/usr/bin/lxhost"})) == "/usr/bin/lxhost");
}

TEST_CASE("publish service: words no systemd unit can carry are refused", "[publish_service]") {
  CHECK_THROWS_AS(systemd_user_unit({}), UsageError);
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "a\nb"}), Catch::Contains("newline"));
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", std::string("a\0b", 3)}), Catch::Contains("NUL"));
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "bad\xff"}), Catch::Contains("not UTF-8"));
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "\xc0\xaf"}), Catch::Contains("not UTF-8"));  // overlong
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "\xed\xa0\x80"}), Catch::Contains("not UTF-8"));  // surrogate
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "\xef\xb7\x90"}), Catch::Contains("U+FDD0"));
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "\xef\xbf\xbe"}), Catch::Contains("U+FFFE"));
  // The program.
  CHECK_THROWS_WITH(systemd_user_unit({"lxhost", "publish"}), Catch::Contains("absolute path"));
  CHECK_THROWS_WITH(systemd_user_unit({"", "publish"}), Catch::Contains("absolute path"));
  CHECK_THROWS_WITH(systemd_user_unit({"/opt/$x/lxhost"}), Catch::Contains("'$'"));
  CHECK_THROWS_WITH(systemd_user_unit({"/opt/a\"b/lxhost"}), Catch::Contains("quote"));
  CHECK_THROWS_WITH(systemd_user_unit({"/opt/a\\b/lxhost"}), Catch::Contains("backslash"));
  CHECK_THROWS_WITH(systemd_user_unit({"/opt/a\tb/lxhost"}), Catch::Contains("control character"));
  // The message names the word, escaped for the terminal.
  CHECK_THROWS_WITH(systemd_user_unit({"/usr/bin/lxhost", "a\nb"}),
                    "cannot write 'a\\nb' into a systemd unit: it holds a newline");
  // What the program may hold elsewhere in the line is fine in an argument.
  CHECK(unit_word("$x\"\\") == "\"$$x\\\"\\\\\"");
}

TEST_CASE("publish service: the launchd plist, exactly, for a plain command line", "[publish_service]") {
  CHECK(launchd_plist({"/usr/local/bin/lxhost", "publish", "-H", "lab"}, "/Users/u/Library/Logs/lxhost-publish.log") ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<!-- Written by `lxhost publish --install`; `lxhost publish --uninstall` removes it. -->\n"
        "<plist version=\"1.0\">\n"
        "<dict>\n"
        "\t<key>Label</key>\n"
        "\t<string>dev.lxhost.publish</string>\n"
        "\t<key>ProgramArguments</key>\n"
        "\t<array>\n"
        "\t\t<string>/usr/local/bin/lxhost</string>\n"
        "\t\t<string>publish</string>\n"
        "\t\t<string>-H</string>\n"
        "\t\t<string>lab</string>\n"
        "\t</array>\n"
        "\t<key>RunAtLoad</key>\n"
        "\t<true/>\n"
        "\t<key>KeepAlive</key>\n"
        "\t<dict>\n"
        "\t\t<key>SuccessfulExit</key>\n"
        "\t\t<false/>\n"
        "\t</dict>\n"
        "\t<key>StandardOutPath</key>\n"
        "\t<string>/Users/u/Library/Logs/lxhost-publish.log</string>\n"
        "\t<key>StandardErrorPath</key>\n"
        "\t<string>/Users/u/Library/Logs/lxhost-publish.log</string>\n"
        "</dict>\n"
        "</plist>\n");
}

TEST_CASE("publish service: the plist's strings are XML-escaped", "[publish_service]") {
  const Argv argv = {"/Users/u/bin/lxhost", "a&b", "<x>", "say \"hi\"", "it's", "100% $x\\;", "tab\tand\nnewline",
                     "cr\rhere", "", "caf\xc3\xa9"};
  CHECK(program_arguments(launchd_plist(argv, "/tmp/log")) ==
        std::vector<std::string>{"/Users/u/bin/lxhost", "a&amp;b", "&lt;x&gt;", "say &quot;hi&quot;", "it's",
                                 "100% $x\\;", "tab\tand\nnewline", "cr&#13;here", "", "caf\xc3\xa9"});
  // A relative program is launchd's to refuse or search; the plist carries it as it is.
  CHECK(program_arguments(launchd_plist({"lxhost"}, "/tmp/log")) == std::vector<std::string>{"lxhost"});
  const std::string plist = launchd_plist({"/bin/lxhost"}, "/Users/a&b/log <1>");
  CHECK(plist.find("\t<string>/Users/a&amp;b/log &lt;1&gt;</string>\n\t<key>StandardErrorPath</key>") !=
        std::string::npos);
}

TEST_CASE("publish service: what XML 1.0 cannot carry is refused", "[publish_service]") {
  CHECK_THROWS_AS(launchd_plist({}, "/tmp/log"), UsageError);
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", std::string("\x01")}, "/tmp/log"), Catch::Contains("U+0001"));
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", std::string("a\0b", 3)}, "/tmp/log"), Catch::Contains("U+0000"));
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", "esc\x1b[0m"}, "/tmp/log"),
                    "cannot write 'esc\\x1b[0m' into a launchd plist: it holds U+001B, which XML 1.0 cannot carry");
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", "\xef\xbf\xbf"}, "/tmp/log"), Catch::Contains("U+FFFF"));
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", "bad\xff"}, "/tmp/log"), Catch::Contains("not UTF-8"));
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost", "\xe2\x82"}, "/tmp/log"), Catch::Contains("not UTF-8"));  // cut short
  CHECK_THROWS_WITH(launchd_plist({"/bin/lxhost"}, "/tmp/log\x02"), Catch::Contains("U+0002"));
  // Beyond the BMP, and DEL (XML 1.0 carries both).
  CHECK(program_arguments(launchd_plist({"/bin/lxhost", "\xf0\x9f\x90\xb3\x7f"}, "/tmp/log")) ==
        std::vector<std::string>{"/bin/lxhost", "\xf0\x9f\x90\xb3\x7f"});
}

TEST_CASE("publish service: the systemd plan: where the unit goes, what runs around it", "[publish_service]") {
  const ServicePlan plan = service_plan(ServiceKind::systemd, "/home/u", "", kSimple);
  CHECK(plan.path == "/home/u/.config/systemd/user/lxhost-publish.service");
  CHECK(plan.text == systemd_user_unit(kSimple));
  CHECK(plan.after_install == std::vector<Argv>{{"systemctl", "--user", "daemon-reload"},
                                                {"systemctl", "--user", "enable", "--now", "lxhost-publish.service"}});
  CHECK(plan.before_uninstall ==
        std::vector<Argv>{{"systemctl", "--user", "disable", "--now", "lxhost-publish.service"}});

  CHECK(service_plan(ServiceKind::systemd, "/home/u", "/xdg/config", kSimple).path ==
        "/xdg/config/systemd/user/lxhost-publish.service");
  CHECK(service_plan(ServiceKind::systemd, "/home/u/", "/xdg/config/", kSimple).path ==
        "/xdg/config/systemd/user/lxhost-publish.service");
  CHECK(service_plan(ServiceKind::systemd, "/home/u/", "", kSimple).path ==
        "/home/u/.config/systemd/user/lxhost-publish.service");
  // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
  CHECK(service_plan(ServiceKind::systemd, "/home/u", "relative/config", kSimple).path ==
        "/home/u/.config/systemd/user/lxhost-publish.service");
}

TEST_CASE("publish service: the launchd plan: where the plist and the log go, what runs around it",
          "[publish_service]") {
  const ServicePlan plan = service_plan(ServiceKind::launchd, "/Users/u", "/ignored", kSimple);
  CHECK(plan.path == "/Users/u/Library/LaunchAgents/dev.lxhost.publish.plist");
  CHECK(plan.text == launchd_plist(kSimple, "/Users/u/Library/Logs/lxhost-publish.log"));
  CHECK(plan.after_install ==
        std::vector<Argv>{{"launchctl", "load", "-w", "/Users/u/Library/LaunchAgents/dev.lxhost.publish.plist"}});
  CHECK(plan.before_uninstall ==
        std::vector<Argv>{{"launchctl", "unload", "-w", "/Users/u/Library/LaunchAgents/dev.lxhost.publish.plist"}});
  // A path with spaces stays one word: the commands are argvs, not shell lines.
  CHECK(service_plan(ServiceKind::launchd, "/Users/Jane Doe", "", kSimple).after_install.at(0).at(3) ==
        "/Users/Jane Doe/Library/LaunchAgents/dev.lxhost.publish.plist");
}

TEST_CASE("publish service: a plan needs an absolute HOME and a command line its format can carry",
          "[publish_service]") {
  CHECK_THROWS_WITH(service_plan(ServiceKind::systemd, "", "/xdg", kSimple),
                    Catch::Contains("HOME is not an absolute path"));
  CHECK_THROWS_WITH(service_plan(ServiceKind::launchd, "home/u", "", kSimple),
                    Catch::Contains("HOME is not an absolute path"));
  CHECK_THROWS_WITH(service_plan(ServiceKind::systemd, "/home/u", "", {"/usr/bin/lxhost", "a\nb"}),
                    Catch::Contains("newline"));
  CHECK_THROWS_WITH(service_plan(ServiceKind::launchd, "/Users/u", "", {"/usr/bin/lxhost", "\x01"}),
                    Catch::Contains("U+0001"));
  CHECK_THROWS_AS(service_plan(ServiceKind::launchd, "/Users/u", "", {}), UsageError);
}
