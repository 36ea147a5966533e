#include "core/manual.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>

#include "core/command_table.hpp"
#include "core/config_keys.hpp"
#include "core/verbs.hpp"

namespace lxhost {
namespace {

constexpr auto pages = std::to_array<std::string_view>({"lxhost.1", "lxhost.toml.5"});

// Prose: escaped, with `code` in bold.
std::string prose(std::string_view text) {
  std::string out;
  bool code = false;
  for (const char c : roff_escape(text)) {
    if (c == '`') {
      out += code ? "\\fR" : "\\fB";
      code = !code;
    } else {
      out += c;
    }
  }
  if (code) out += "\\fR";
  return out;
}

std::string bold(std::string_view text) { return fmt::format("\\fB{}\\fR", roff_escape(text)); }
std::string italic(std::string_view text) { return fmt::format("\\fI{}\\fR", roff_escape(text)); }

// A tagged paragraph: the tag on its own line, then the text.
std::string item(std::string_view tag, std::string_view text) { return fmt::format(".TP\n{}\n{}\n", tag, text); }

// "--timeout MS", "-H, --host HOST", "NAME" with names in bold and placeholders in italics.
std::string option_tag(const OptionSpec& option) {
  if (option.positional()) return italic(option.names);
  std::string tag;
  for (std::string_view name : option_names(option)) tag += (tag.empty() ? "" : ", ") + bold(name);
  if (option.kind != OptionSpec::Kind::flag) tag += " " + italic(option.value);
  return tag;
}

std::string_view filter_words(NameFilter filter) {
  switch (filter) {
    case NameFilter::running: return "running";
    case NameFilter::stopped: return "stopped";
    case NameFilter::defined: return "defined";
    case NameFilter::frozen: return "frozen";
    case NameFilter::none: break;
  }
  return "";
}

std::string verb_entry(const Verb& verb) {
  std::string text = prose(verb.summary) + ".";
  if (verb.legacy) {
    text += fmt::format(" Translated to {} on hosts with LXC 2.0 or later, passed on unchanged to hosts that still "
                        "have {}; any other flag is refused (exit 2).",
                        bold(verb.name == "clone" ? "lxc-copy" : "lxc-copy -e"), bold(verb.tool));
  } else {
    text += fmt::format(" Runs {} on the host.", bold(verb.tool));
  }
  if (verb.interactive) text += " Gets a terminal when stdin and stdout are terminals.";
  if (verb.names != NameFilter::none)
    text += fmt::format(" Completion offers {} containers.", filter_words(verb.names));
  std::string flags;
  for (std::string_view flag : verb.flags) flags += (flags.empty() ? "" : " ") + bold(flag);
  text += fmt::format("\n.br\nFlags: {}", flags);
  return item(bold(verb_word(verb)), text);
}

std::string command_entry(const CommandSpec& command, std::string_view parent = {}) {
  const std::string name = parent.empty() ? std::string(command.name) : fmt::format("{} {}", parent, command.name);
  std::string text = parent.empty() ? fmt::format(".SS \"{}\"\n", roff_escape(synopsis(command)))
                                    : fmt::format(".TP\n{}\n", bold(name));
  text += prose(command.description) + "\n";
  if (!command.options.empty()) {
    text += parent.empty() ? "" : ".RS\n";
    for (const OptionSpec& option : command.options) text += item(option_tag(option), prose(option_help(option)));
    text += parent.empty() ? "" : ".RE\n";
  }
  for (const CommandSpec& sub : command.subcommands) text += command_entry(sub, command.name);
  return text;
}

struct FileEntry {
  std::string_view path;
  std::string_view help;
};
constexpr auto files = std::to_array<FileEntry>({
    {"~/.config/lxhost/config.toml", "the config file ($XDG_CONFIG_HOME/lxhost/config.toml); see lxhost.toml(5)"},
    {"~/.cache/lxhost/containers-HOST.tsv", "each host's container names and states, for completion"},
    {"~/.cache/lxhost/discovered.tsv", "the hosts `lxhost discover` saw, for completion of -H"},
    {"$XDG_RUNTIME_DIR/lxhost/", "the mux masters' sockets (else $TMPDIR/lxhost-UID/); a 0700 directory of the user"},
    {"~/.ssh/config.d/lxhost.conf", "the ssh_config snippet `lxhost ssh-config --install` writes"},
    {"~/.ssh/config", "gets one `Include ~/.ssh/config.d/lxhost.conf` line at its top from `ssh-config --install`; "
                      "its settings for a host count as for ssh"},
    {"~/.ssh/known_hosts", "the host keys lxhost checks (hosts.NAME.known_hosts)"},
});

std::string page_header(std::string_view name, int section, std::string_view manual) {
  return fmt::format(".TH {} {} \"\" \"lxhost {}\" \"{}\"\n", name, section, LXHOST_VERSION, manual);
}

std::string lxhost_page() {
  std::string page = page_header("LXHOST", 1, "User Commands");
  page += ".SH NAME\nlxhost \\- run LXC's lxc\\-* tools on a container host over SSH, as if they were local\n";
  page += ".SH SYNOPSIS\n";
  page += fmt::format("{} [{} {}] [{} {}] [{}|{}] [{}|{}] [{}] {} [{}...]\n.br\n", bold("lxhost"), bold("-H"),
                      italic("HOST"), bold("-c"), italic("CONFIG"), bold("-t"), bold("-T"), bold("-v"), bold("-q"),
                      bold("--no-mux"), italic("VERB"), italic("ARGS"));
  page += fmt::format("{}{} [{}...]\n.br\n", bold("lxc-"), italic("VERB"), italic("ARGS"));
  page += fmt::format("{} {} [{}...]\n", bold("lxhost"), italic("COMMAND"), italic("ARGS"));
  page += ".SH DESCRIPTION\n";
  page += prose("lxhost is the laptop side of LXC containers that live on a Linux container host, often a VM "
                "reached as containers.local. A verb typed on the laptop (`lxhost start -n web`, or `lxc-start "
                "-n web` through a link or shell function) runs the host's lxc-VERB over SSH, under `sudo -n`, "
                "with every argument exactly as typed, output as it comes, stdout and stderr apart, a terminal "
                "where one is needed, and the remote exit status.") +
          "\n.PP\n";
  page += prose("The first command for a host starts a mux master, a process of its own that keeps one "
                "authenticated SSH session and serves later commands over a private Unix socket, and keeps the "
                "completion cache current from the host's container events while it runs; it exits after "
                "mux.idle_timeout_s without clients. Host names ending in .local are resolved by mDNS (Avahi on "
                "Linux, dns_sd on macOS), every wait bounded. Called as lxc-VERB, lxhost takes its own options "
                "from the environment (see ENVIRONMENT). A container of another configured host is HOST:NAME "
                "wherever a verb takes a container's name: the verb runs on HOST and the tool sees NAME; names "
                "of two hosts in one command, or a -H naming another host, are a usage error.") +
          "\n";
  page += ".SH OPTIONS\nlxhost's own options come before the verb; everything after it goes to the remote tool.\n";
  for (const GlobalOption& global : global_options()) {
    std::string tag;
    if (!global.short_name.empty()) tag += bold(global.short_name);
    if (!global.long_name.empty()) tag += (tag.empty() ? "" : ", ") + bold(global.long_name);
    if (!global.value.empty()) tag += " " + italic(global.value);
    std::string text = prose(global.help);
    if (!global.env.empty()) text += fmt::format(" (also {})", bold(global.env));
    page += item(tag, text);
  }
  page += ".SH VERBS\n" +
          prose("Each runs lxc-VERB on the host with the arguments exactly as typed; `lxhost lxc-VERB ...` always "
                "works too, and `lxhost VERB --help` is the remote tool's own help. The flags listed are the "
                "remote tool's, offered by completion.") +
          "\n";
  for (const Verb& verb : verb_table())
    if (!verb.legacy) page += verb_entry(verb);
  page += ".SH \"LXC 1 VERBS\"\n" +
          prose("Verbs LXC 2.0 removed, kept for the fingers that remember them: `clone -o A -n B` (or `clone A "
                "B`) becomes `lxc-copy -n A -N B`; `start-ephemeral -o A -- CMD...` makes an ephemeral copy, runs "
                "CMD in it, stops it, and exits with CMD's status (Ctrl-C or a lost connection still stops it).") +
          "\n";
  for (const Verb& verb : verb_table())
    if (verb.legacy) page += verb_entry(verb);
  page += ".SH \"LXD HOSTS\"\n" +
          prose("A host with backend = \"lxd\" in the configuration runs the same verbs through LXD's API (its "
                "unix socket, over the host's SSH session) instead of the lxc-* tools, across every member of an "
                "LXD cluster: output as the LXC tools print it (ls -f has a LOCATION column), attach and "
                "execute through LXD's own client on the host, --target MEMBER to place a copy, snapshots as "
                "snapN, start-ephemeral deleting its copy even after Ctrl-C or a lost connection. A verb or "
                "flag with no LXD meaning exits 2 naming the LXD command that does the job; an instance on a "
                "member that is down fails at once with one line naming the member.") +
          "\n";
  page += ".SH COMMANDS\n" + prose("lxhost's own commands; `lxhost help COMMAND` shows the same.") + "\n";
  for (const CommandSpec& command : native_commands())
    if (!command.hidden) page += command_entry(command);
  page += ".SH ENVIRONMENT\n";
  for (const EnvironmentVariable& variable : environment_variables())
    page += item(bold(variable.name), prose(variable.help));
  page += ".SH FILES\n";
  for (const FileEntry& file : files) page += item(italic(file.path), prose(file.help));
  page += ".SH \"EXIT STATUS\"\n";
  for (const ExitStatus& status : exit_statuses()) page += item(bold(status.code), prose(status.help));
  page += ".SH EXAMPLES\n";
  constexpr std::array<std::pair<std::string_view, std::string_view>, 8> examples = {{
      {"lxhost clone -o base -n web2 -s", "a snapshot clone of base, in LXC 1 syntax (lxc-copy -n base -N web2 -s)"},
      {"lxhost start -n web2", "start it"},
      {"lxhost attach -n web2 -- make test", "run a command in it, with its output and exit status"},
      {"lxhost list --json", "every container with state, addresses and mDNS name, as JSON"},
      {"eval \"$(lxhost shell-init zsh)\"", "in ~/.zshrc: lxc-* functions and completion"},
      {"lxhost ssh-config --install", "make `ssh web2.local` work"},
      {"lxhost attach -n build:ci -- make", "run make in the container ci of the host named build in the config"},
      {"lxhost -H build doctor", "check every link to the host named build in the config"},
  }};
  for (const auto& [command, what] : examples) page += item(bold(command), prose(what));
  page += ".SH \"SEE ALSO\"\n"
          "\\fBlxhost.toml\\fR(5), \\fBlxc\\fR(7), \\fBlxc\\-ls\\fR(1), \\fBlxc\\-attach\\fR(1), \\fBssh\\fR(1), "
          "\\fBssh_config\\fR(5), \\fBavahi\\-daemon\\fR(8)\n";
  return page;
}

std::string key_entry(const ConfigKey& key) {
  std::string text = prose(key.described()) + fmt::format(" (\\fI{}\\fR", key.type);
  if (key.type == "integer" && key.max == std::numeric_limits<int>::max()) text += fmt::format(", at least {}", key.min);
  else if (key.type == "integer") text += fmt::format(", {} to {}", key.min, key.max);
  text += ")";
  return item(fmt::format("{} = {}", bold(key.key), roff_escape(key.default_value)), text);
}

std::string config_page() {
  std::string page = page_header("LXHOST.TOML", 5, "File Formats");
  page += ".SH NAME\nlxhost.toml \\- lxhost's configuration file\n";
  page += ".SH SYNOPSIS\n" + italic("~/.config/lxhost/config.toml") + "\n";
  page += ".SH DESCRIPTION\n";
  page += prose("A TOML file. lxhost reads -c FILE, else $LXHOST_CONFIG, else $XDG_CONFIG_HOME/lxhost/config.toml "
                "(~/.config/lxhost/config.toml). Without a file, lxhost talks to containers.local on port 22 with "
                "`sudo = true`. Precedence: built-in defaults < this file < environment < command-line flags. "
                "~/.ssh/config is read for each host first; user, port and identity_file set here override it, "
                "and until they are set, what ~/.ssh/config says wins.") +
          "\n.PP\n";
  page += prose("Unknown keys, wrong types and values out of range stop lxhost with FILE:LINE:COL and exit status "
                "2. `lxhost config init` writes the file with every key commented out at its default; `lxhost "
                "config show` prints every effective value and where it came from.") +
          "\n";
  page += ".SH KEYS\n" + prose("Each key with its default, type and meaning, table by table.") + "\n";
  page += ".SS \"Top level\"\n";
  for (const ConfigKey& key : config_keys())
    if (key.table.empty() && !key.is_table()) page += key_entry(key);
  for (const ConfigKey& table : config_keys()) {
    if (!table.is_table()) continue;
    const std::string header = table_header(table);
    page += fmt::format(".SS \"[{}]\"\n{}\n", roff_escape(header), prose(table.doc));
    for (const ConfigKey& key : config_keys())
      if (key.table == header && !key.is_table()) page += key_entry(key);
  }
  page += ".SH EXAMPLE\n.PP\n.nf\n.RS\n" +
          roff_escape("default_host = \"lab\"\n\n"
                      "[hosts.lab]\n"
                      "address = \"containers.local\"\n"
                      "user = \"ubuntu\"\n"
                      "lxcpath = \"/var/lib/lxc\"\n"
                      "host_key = \"accept-new\"\n\n"
                      "[hosts.build]\n"
                      "address = \"10.0.0.5\"\n"
                      "port = 2222\n\n"
                      "[verbs.clone]\n"
                      "args = [\"-s\"]\n\n"
                      "[ssh_config.options]\n"
                      "ServerAliveInterval = 30\n") +
          ".RE\n.fi\n";
  page += ".SH \"SEE ALSO\"\n\\fBlxhost\\fR(1), \\fBssh_config\\fR(5)\n";
  return page;
}

}  // namespace

std::span<const std::string_view> man_pages() { return pages; }

std::optional<std::string> render_man_page(std::string_view page) {
  if (page == "lxhost.1") return lxhost_page();
  if (page == "lxhost.toml.5") return config_page();
  return std::nullopt;
}

std::string roff_escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace lxhost
