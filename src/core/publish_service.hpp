// `lxhost publish` as a per-user service that starts at login (`publish --install`): the text of a
// systemd user unit (Linux) or a launchd agent (macOS) that runs a given command line, where that
// file goes, and the commands that load it after it is written and unload it before it is
// removed. Pure: the publish command writes the file and runs the commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

enum class ServiceKind {
  systemd,  // a systemd user unit (Linux)
  launchd,  // a launchd agent (macOS)
};

// The unit's name, as `systemctl --user` knows it.
inline constexpr std::string_view kPublishUnitName = "lxhost-publish.service";
// The agent's Label, as `launchctl` knows it.
inline constexpr std::string_view kPublishAgentLabel = "dev.lxhost.publish";

// The systemd user unit `lxhost-publish.service`: ExecStart runs exactly `argv` (argv[0] the
// absolute path of lxhost, then its arguments: `-c FILE publish -H lab ...`); it starts once the
// user manager starts (WantedBy=default.target) and again 5 s after a failure (Restart=on-failure:
// not after a clean exit, which is what `publish` makes of SIGINT and SIGTERM). It wants and comes
// after network-online.target, but that is the system manager's unit: a user manager has none
// (systemd 252 loads it as not-found), so `publish` cannot count on the network at its start.
// Each word is written so that systemd reads it back byte for byte (systemd.syntax(7) "Quoting",
// systemd.service(5) "Command lines"): a word made only of [A-Za-z0-9_@+=:,./%$-] stays bare,
// any other (and "") is double-quoted with `\` and `"` escaped and control characters as C
// escapes (\t, \r, \xNN); in every word `%` is written `%%` (systemd expands specifiers) and `$`
// in an argument `$$` (systemd expands variables).
// Throws UsageError for what no unit can carry: an empty argv; a word that is not UTF-8, holds a
// Unicode noncharacter (systemd ignores such a line), a NUL or a newline; an argv[0] that is not
// absolute or holds a control character, a quote, a backslash (systemd refuses such an executable
// path) or `$` (systemd takes the path without expanding variables but expands them in the
// argv[0] it passes: no spelling is right for both).
std::string systemd_user_unit(const std::vector<std::string>& argv);

// The launchd agent `dev.lxhost.publish`: ProgramArguments is exactly `argv`, it starts at load
// (RunAtLoad, i.e. at login) and again after it exits with a failure (KeepAlive SuccessfulExit
// false: `publish` exits 0 on SIGTERM, so `launchctl stop` or a logout does not bring it back),
// its stdout and stderr go to `log_path`. Each <string> is XML-escaped (& < > " and a carriage
// return, which an XML parser would otherwise read back as a newline).
// Throws UsageError for an empty argv and for a word (or log_path) XML 1.0 cannot carry: one that
// is not UTF-8 or holds a character outside XML's Char (a control character other than tab,
// newline and carriage return; U+FFFE, U+FFFF).
std::string launchd_plist(const std::vector<std::string>& argv, const std::string& log_path);

// Installing or removing the service: write `text` at `path` (creating its folder), then run
// `after_install`'s commands in order; to remove it, run `before_uninstall`'s, then delete `path`.
// To replace an installed service (new arguments), run `before_uninstall`'s commands first: they
// stop the running one, which `after_install`'s would otherwise leave running as it was.
// Each command is an argv, run as it is (no shell).
struct ServicePlan {
  std::string path;
  std::string text;
  std::vector<std::vector<std::string>> after_install;
  std::vector<std::vector<std::string>> before_uninstall;
};

// The plan for `argv` (as systemd_user_unit and launchd_plist take it, and throwing as they do):
//  systemd: path $XDG_CONFIG_HOME/systemd/user/lxhost-publish.service, or under $HOME/.config when
//           xdg_config_home is empty or relative (the XDG spec ignores a relative value);
//           after_install:
//             systemctl --user daemon-reload                        the manager reads the new file
//             systemctl --user enable --now lxhost-publish.service  start at every login (enable),
//                                                                   and now (--now)
//           before_uninstall:
//             systemctl --user disable --now lxhost-publish.service not at login any more, and
//                                                                   stopped now
//  launchd: path $HOME/Library/LaunchAgents/dev.lxhost.publish.plist, the log
//           $HOME/Library/Logs/lxhost-publish.log;
//           after_install:
//             launchctl load -w PATH    loaded (so started: RunAtLoad) now and at every login
//                                       (-w clears a Disabled mark an earlier unload -w left)
//           before_uninstall:
//             launchctl unload -w PATH  stopped and unloaded now, and marked disabled
// Throws UsageError when `home` is not an absolute path (every path is under it).
ServicePlan service_plan(ServiceKind kind, const std::string& home, const std::string& xdg_config_home,
                         const std::vector<std::string>& argv);

}  // namespace lxhost
