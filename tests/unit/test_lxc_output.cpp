#include <string>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/lxc_output.hpp"

using lxhost::ContainerRow;
using lxhost::Failure;
using lxhost::parse_lxc_info_ips;
using lxhost::parse_lxc_ls_fancy;
using Strings = std::vector<std::string>;

namespace {

std::string parse_error(std::string_view text) {
  try {
    parse_lxc_ls_fancy(text);
  } catch (const Failure& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("lxc-ls -f: LXC 5.0.2's own output", "[lxc_output]") {
  // Captured from `lxc-ls -P DIR -f -F NAME,STATE,IPV4,IPV6` here (note the trailing spaces).
  const std::string_view text =
      "NAME   STATE   IPV4 IPV6 \n"
      "alpha  STOPPED -    -    \n"
      "beta-1 RUNNING -    -    \n"
      "c_3.x  FROZEN  -    -    \n";
  const std::vector<ContainerRow> rows = parse_lxc_ls_fancy(text);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].name == "alpha");
  CHECK(rows[0].state == "STOPPED");
  CHECK(rows[0].ipv4.empty());
  CHECK(rows[0].ipv6.empty());
  CHECK(rows[1].name == "beta-1");
  CHECK(rows[1].state == "RUNNING");
  CHECK(rows[2].name == "c_3.x");
  CHECK(rows[2].state == "FROZEN");
}

TEST_CASE("lxc-ls -f: one running container with addresses", "[lxc_output]") {
  const std::string_view text =
      "NAME STATE   IPV4       IPV6                     \n"
      "web  RUNNING 10.0.3.15  fd42:1:2:3::15           \n";
  const auto rows = parse_lxc_ls_fancy(text);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "web");
  CHECK(rows[0].state == "RUNNING");
  CHECK(rows[0].ipv4 == Strings{"10.0.3.15"});
  CHECK(rows[0].ipv6 == Strings{"fd42:1:2:3::15"});
}

TEST_CASE("lxc-ls -f: several containers, two IPv4 and one IPv6, mixed states", "[lxc_output]") {
  const std::string_view text =
      "NAME          STATE   IPV4                    IPV6                                 \n"
      "base          STOPPED -                       -                                    \n"
      "web.prod-1    RUNNING 10.0.3.15, 192.168.7.2  fd42:dead:beef::15                   \n"
      "db_2          RUNNING 10.0.3.16               fd42::16, fe80::216:3eff:fe00:16     \n"
      "frozen-one    FROZEN  10.0.3.17               -                                    \n"
      "starting      STARTING -                       -                                   \n";
  const auto rows = parse_lxc_ls_fancy(text);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].name == "base");
  CHECK(rows[0].state == "STOPPED");
  CHECK(rows[0].ipv4.empty());
  CHECK(rows[1].name == "web.prod-1");
  CHECK(rows[1].ipv4 == Strings{"10.0.3.15", "192.168.7.2"});
  CHECK(rows[1].ipv6 == Strings{"fd42:dead:beef::15"});
  CHECK(rows[2].name == "db_2");
  CHECK(rows[2].ipv4 == Strings{"10.0.3.16"});
  CHECK(rows[2].ipv6 == Strings{"fd42::16", "fe80::216:3eff:fe00:16"});
  CHECK(rows[3].state == "FROZEN");
  CHECK(rows[3].ipv4 == Strings{"10.0.3.17"});
  CHECK(rows[3].ipv6.empty());
  CHECK(rows[4].name == "starting");
  CHECK(rows[4].state == "STARTING");
}

TEST_CASE("lxc-ls -f: layout variations", "[lxc_output]") {
  SECTION("no final newline, no trailing spaces") {
    const auto rows = parse_lxc_ls_fancy("NAME STATE   IPV4 IPV6\nweb  RUNNING -    -");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "web");
    CHECK(rows[0].state == "RUNNING");
    CHECK(rows[0].ipv6.empty());
  }
  SECTION("CRLF line ends") {
    const auto rows = parse_lxc_ls_fancy(
        "NAME STATE   IPV4     IPV6 \r\n"
        "web  RUNNING 10.0.0.2 -    \r\n"
        "db   STOPPED -        -    \r\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].ipv4 == Strings{"10.0.0.2"});
    CHECK(rows[1].name == "db");
    CHECK(rows[1].ipv6.empty());
  }
  SECTION("a row shorter than the header (last columns missing)") {
    const auto rows = parse_lxc_ls_fancy("NAME STATE   IPV4 IPV6\nweb  RUNNING\nx\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].state == "RUNNING");
    CHECK(rows[0].ipv4.empty());
    CHECK(rows[1].name == "x");
    CHECK(rows[1].state.empty());
  }
  SECTION("the last column runs to the end of the line") {
    const auto rows = parse_lxc_ls_fancy(
        "NAME STATE   IPV4 IPV6\n"
        "web  RUNNING -    fd00::1, fd00::2, fd00::3\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].ipv6 == Strings{"fd00::1", "fd00::2", "fd00::3"});
  }
  SECTION("lists split on commas with or without a space") {
    const auto rows = parse_lxc_ls_fancy(
        "NAME STATE   IPV4                 IPV6\n"
        "web  RUNNING 10.0.0.1,10.0.0.2,   -\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].ipv4 == Strings{"10.0.0.1", "10.0.0.2"});
  }
  SECTION("blank lines are skipped") {
    const auto rows = parse_lxc_ls_fancy("\n  \nNAME STATE   IPV4 IPV6\n\nweb  RUNNING -    -\n\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "web");
  }
  SECTION("values wider than their header (LXC widens columns; never read out of bounds)") {
    const auto rows = parse_lxc_ls_fancy("NAME STATE IPV4 IPV6\nlong-name RUNNING 10.0.0.1 fd00::1\nx\n");
    REQUIRE(rows.size() == 2);  // the columns cut the values, but nothing breaks
    CHECK(rows[1].name == "x");
  }
  SECTION("a header alone: no containers") {
    CHECK(parse_lxc_ls_fancy("NAME STATE IPV4 IPV6 \n").empty());
  }
}

TEST_CASE("lxc-ls -f: no output means no containers", "[lxc_output]") {
  CHECK(parse_lxc_ls_fancy("").empty());
  CHECK(parse_lxc_ls_fancy("\n").empty());
  CHECK(parse_lxc_ls_fancy("   \n\t\r\n  ").empty());
}

TEST_CASE("lxc-ls -f: anything but that table is an error", "[lxc_output]") {
  CHECK(parse_error("Invalid key: FOO\n") == "unexpected lxc-ls output: Invalid key: FOO");
  REQUIRE_THROWS_AS(parse_lxc_ls_fancy("Invalid key: FOO"), Failure);
  CHECK(parse_error("NAME STATE IPV4\nweb RUNNING -\n") == "unexpected lxc-ls output: NAME STATE IPV4");
  CHECK(parse_error("NAME STATE IPV4 IPV6 PID\n") ==
        "unexpected lxc-ls output: NAME STATE IPV4 IPV6 PID");
  CHECK(parse_error("NAME IPV4 STATE IPV6\n") == "unexpected lxc-ls output: NAME IPV4 STATE IPV6");
  CHECK(parse_error("base\nweb\n") == "unexpected lxc-ls output: base");  // lxc-ls without -f
  CHECK(parse_error("NAMES STATE IPV4 IPV6\n") == "unexpected lxc-ls output: NAMES STATE IPV4 IPV6");
  // Control characters are shown escaped, and long lines cut.
  CHECK(parse_error("\x1b[31mboom\tx\r\n") == "unexpected lxc-ls output: \\x1b[31mboom\\x09x");
  const std::string long_line(200, 'x');
  CHECK(parse_error(long_line) == "unexpected lxc-ls output: " + std::string(80, 'x') + "...");
  // A row with no name under NAME is not that table either.
  CHECK(parse_error("NAME STATE   IPV4 IPV6\n     RUNNING -    -\n") ==
        "unexpected lxc-ls output:      RUNNING -    -");
}

TEST_CASE("lxc-info -i -H: one address per line", "[lxc_output]") {
  CHECK(parse_lxc_info_ips("").empty());
  CHECK(parse_lxc_info_ips("\n\n").empty());
  CHECK(parse_lxc_info_ips("10.0.3.15\n") == Strings{"10.0.3.15"});
  CHECK(parse_lxc_info_ips("10.0.3.15\nfd42::15\n192.168.1.2") ==
        Strings{"10.0.3.15", "fd42::15", "192.168.1.2"});
  CHECK(parse_lxc_info_ips("  10.0.3.15  \r\n\n\tfe80::1%eth0\t\n") ==
        Strings{"10.0.3.15", "fe80::1%eth0"});
}

TEST_CASE("ls --all-hosts: the layout lxc-ls's arguments ask for", "[lxc_output]") {
  using lxhost::LsLayout;
  using lxhost::ls_layout;
  CHECK(ls_layout(Strings{}) == LsLayout::names);
  CHECK(ls_layout(Strings{"--running"}) == LsLayout::names);
  CHECK(ls_layout(Strings{"-1"}) == LsLayout::lines);
  CHECK(ls_layout(Strings{"--line"}) == LsLayout::lines);
  CHECK(ls_layout(Strings{"-f"}) == LsLayout::table);
  CHECK(ls_layout(Strings{"--fancy"}) == LsLayout::table);
  CHECK(ls_layout(Strings{"-1f"}) == LsLayout::table);  // lxc-ls: fancy wins over -1
  CHECK(ls_layout(Strings{"-f", "-F", "NAME,STATE"}) == LsLayout::table);
  CHECK(ls_layout(Strings{"-F", "NAME"}) == LsLayout::names);  // -F alone: no table
  CHECK(ls_layout(Strings{"-g", "-f"}) == LsLayout::names);    // -g's value, not -f
  CHECK(ls_layout(Strings{"--filter", "-1"}) == LsLayout::names);
  CHECK(ls_layout(Strings{"-Ff"}) == LsLayout::names);  // -F's value "f"
  CHECK(ls_layout(Strings{"--", "-f"}) == LsLayout::names);
}

TEST_CASE("ls --all-hosts: names, one a line, and in columns as lxc-ls lays them out", "[lxc_output]") {
  using lxhost::HostLsOutput;
  using lxhost::LsLayout;
  using lxhost::merge_ls_outputs;
  // Without a terminal lxc-ls pads each name to the longest and puts each on a line of its own.
  const std::vector<HostLsOutput> outputs = {{"lab", "base  \nweb   \nsshd1 \n"}, {"vm", "db\n"}, {"empty", ""}};
  CHECK(merge_ls_outputs(LsLayout::names, outputs, 0) == "lab:base \nlab:web  \nlab:sshd1\nvm:db    \n");
  CHECK(merge_ls_outputs(LsLayout::names, outputs, 30) == "lab:base  lab:web   lab:sshd1\nvm:db     \n");
  CHECK(merge_ls_outputs(LsLayout::lines, {{{"lab", "base\nweb\n"}, {"vm", "db\n"}}}, 0) ==
        "lab:base\nlab:web\nvm:db\n");
  CHECK(merge_ls_outputs(LsLayout::lines, {{{"lab", ""}}}, 0).empty());
}

TEST_CASE("ls --all-hosts: tables, widened to the widest cell, NAME with its host", "[lxc_output]") {
  using lxhost::HostLsOutput;
  using lxhost::LsLayout;
  using lxhost::merge_ls_outputs;
  const std::vector<HostLsOutput> outputs = {
      {"lab",
       "NAME  STATE   AUTOSTART GROUPS IPV4                   IPV6 UNPRIVILEGED \n"
       "base  STOPPED 0         -      -                      -    false        \n"
       "web   RUNNING 0         -      10.203.0.10, 10.0.0.11 -    false        \n"},
      {"vm", ""},  // no containers: no header either
      {"builds",
       "NAME STATE   AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED \n"
       "ci-1 STOPPED 1         ci     -    -    true         \n"},
  };
  CHECK(merge_ls_outputs(LsLayout::table, outputs, 80) ==
        "NAME        STATE   AUTOSTART GROUPS IPV4                   IPV6 UNPRIVILEGED \n"
        "lab:base    STOPPED 0         -      -                      -    false        \n"
        "lab:web     RUNNING 0         -      10.203.0.10, 10.0.0.11 -    false        \n"
        "builds:ci-1 STOPPED 1         ci     -                      -    true         \n");
  // -F without NAME: a HOST column first. Sizes stay to the right.
  CHECK(merge_ls_outputs(LsLayout::table, {{{"lab", "STATE   RAM     \nRUNNING 12.50MB \nSTOPPED -       \n"}}}, 80) ==
        "HOST STATE   RAM     \n"
        "lab  RUNNING 12.50MB \n"
        "lab  STOPPED -       \n");
  CHECK(merge_ls_outputs(LsLayout::table, {{{"lab", ""}}}, 80).empty());
  CHECK_THROWS_AS(merge_ls_outputs(LsLayout::table, {{{"a", "NAME STATE\nx RUNNING\n"}, {"b", "NAME\ny\n"}}}, 80),
                  Failure);
}
