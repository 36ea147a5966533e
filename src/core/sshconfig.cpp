#include "core/sshconfig.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <span>
#include <cctype>
#include <string>
#include <vector>

#include "core/discovery.hpp"
#include "core/errors.hpp"
#include "core/shell_quote.hpp"
#include "core/suggest.hpp"

namespace lxhost {
namespace {

// Options [ssh_config.options] may set, in OpenSSH's spelling (those left out on purpose are below).
constexpr std::array kAllowedOptions = {
    "AddKeysToAgent", "AddressFamily", "BatchMode", "CanonicalizeHostname", "CASignatureAlgorithms",
    "CertificateFile", "CheckHostIP", "Ciphers", "Compression", "ConnectionAttempts", "ConnectTimeout",
    "ControlMaster", "ControlPath", "ControlPersist", "DynamicForward", "EscapeChar", "ExitOnForwardFailure",
    "FingerprintHash", "ForwardAgent", "ForwardX11", "ForwardX11Timeout", "ForwardX11Trusted",
    "GSSAPIAuthentication", "GSSAPIDelegateCredentials", "HashKnownHosts", "HostbasedAuthentication",
    "HostKeyAlgorithms", "HostKeyAlias", "IdentitiesOnly", "IdentityAgent", "IPQoS", "KbdInteractiveAuthentication",
    "KexAlgorithms", "LocalForward", "LogLevel", "MACs", "NumberOfPasswordPrompts", "PasswordAuthentication",
    "Port", "PubkeyAcceptedAlgorithms", "PubkeyAuthentication", "RekeyLimit", "RemoteForward", "RequestTTY",
    "SendEnv", "ServerAliveCountMax", "ServerAliveInterval", "SetEnv", "StrictHostKeyChecking", "TCPKeepAlive",
    "UpdateHostKeys", "UserKnownHostsFile", "VerifyHostKeyDNS", "VisualHostKey",
};

// Options ssh takes a number for (a count, a port, or seconds): a TOML integer is written as its digits.
constexpr std::array kNumberOptions = {"ConnectionAttempts", "ConnectTimeout", "ControlPersist", "ForwardX11Timeout",
                                       "NumberOfPasswordPrompts", "Port", "ServerAliveCountMax",
                                       "ServerAliveInterval"};

// Options ssh takes yes or no for (some take other words too): a TOML boolean is written as yes or no.
constexpr std::array kYesNoOptions = {
    "AddKeysToAgent", "BatchMode", "CanonicalizeHostname", "CheckHostIP", "Compression", "ControlMaster",
    "ControlPersist", "ExitOnForwardFailure", "ForwardAgent", "ForwardX11", "ForwardX11Trusted",
    "GSSAPIAuthentication", "GSSAPIDelegateCredentials", "HashKnownHosts", "HostbasedAuthentication",
    "IdentitiesOnly", "KbdInteractiveAuthentication", "PasswordAuthentication", "PubkeyAuthentication",
    "RequestTTY", "StrictHostKeyChecking", "TCPKeepAlive", "UpdateHostKeys", "VerifyHostKeyDNS", "VisualHostKey",
};

// Options left out on purpose, and why: a user who writes one learns it is no typo.
struct RefusedOption {
  std::string_view name;
  std::string_view why;
};
constexpr std::array kRefusedOptions = {
    RefusedOption{"Host", "it would start a block of its own"},
    RefusedOption{"Match", "it would start a block of its own"},
    RefusedOption{"Include", "it would read another file into the snippet"},
    RefusedOption{"HostName", "it would send every .local name to one host"},
    RefusedOption{"User", "lxhost writes it from [ssh_config] user"},
    RefusedOption{"IdentityFile", "lxhost writes it from [ssh_config] identity_file"},
    RefusedOption{"PreferredAuthentications", "lxhost writes it from [ssh_config] preferred_authentications"},
    RefusedOption{"ProxyCommand", "lxhost writes it (`lxhost proxy`; [ssh_config] via_host decides when)"},
    RefusedOption{"ProxyJump", "it would replace lxhost's ProxyCommand ([ssh_config] via_host decides the way in)"},
    RefusedOption{"LocalCommand", "it runs a command on this machine at every connection"},
    RefusedOption{"PermitLocalCommand", "it lets LocalCommand run a command on this machine"},
    RefusedOption{"KnownHostsCommand", "it runs a command on this machine at every connection"},
    RefusedOption{"RemoteCommand", "it would replace the command or shell ssh asks the container for"},
};

// Options whose value ssh expands % tokens in (ssh_config(5), TOKENS), and those tokens.
constexpr std::array kTokenOptions = {"IdentityFile", "UserKnownHostsFile", "ControlPath", "IdentityAgent",
                                      "CertificateFile", "LocalForward", "RemoteForward"};
constexpr std::string_view kTokens = "%CdhijkLlnprTu";

// Options that take several blank-separated arguments (`LocalForward 8080 localhost:80`): their
// value is written as its words. Any other value holding a blank is one argument, double-quoted.
constexpr std::array kWordOptions = {"IPQoS", "LocalForward", "RekeyLimit", "RemoteForward",
                                     "SendEnv", "SetEnv", "UserKnownHostsFile"};

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void refuse(const Origin& origin, const std::string& what) {
  throw ConfigError(origin.user_set() ? fmt::format("{}: {}", origin.where, what) : what,
                    "ssh-config writes values verbatim into ~/.ssh/config.d/lxhost.conf, so it refuses anything "
                    "that could change what ssh reads there");
}

enum class Words { one, several };

// One value for an ssh_config line: refused when it could inject anything; double-quoted when
// it holds blanks and is one argument. `key` decides which % tokens are allowed.
std::string ssh_value(std::string_view key, const std::string& value, const Origin& origin,
                      Words words = Words::one) {
  const std::string name = fmt::format("{} value '{}'", key, printable(value));
  if (value.find_first_not_of(' ') == std::string::npos) refuse(origin, fmt::format("{} is empty", key));
  for (char c : value)
    if (is_control(c)) refuse(origin, fmt::format("{} holds a control character (a line break?)", key));
  // ssh splits values at blanks and reads both kinds of quote: an unpaired ' makes it refuse
  // the whole file ("invalid quotes").
  if (value.find_first_of("\"'\\") != std::string::npos)
    refuse(origin, fmt::format("{} holds a quote or a backslash", name));
  if (value.front() == '=' || value.front() == '#') refuse(origin, fmt::format("{} starts with '{}'", name, value.front()));
  if (words == Words::several) {
    // Written as its words: ssh reads a '=' before the first word as the separator after the
    // option's name, and a word that starts with '#' as a comment, to the end of the line.
    const char first = value[value.find_first_not_of(' ')];
    if (first == '=' || first == '#') refuse(origin, fmt::format("{} starts with '{}'", name, first));
    if (value.find(" #") != std::string::npos)
      refuse(origin, fmt::format("{} has a word that starts with '#', which ssh would read as a comment", name));
  }
  const bool tokens = std::find(kTokenOptions.begin(), kTokenOptions.end(), key) != kTokenOptions.end();
  for (size_t at = value.find('%'); at != std::string::npos; at = value.find('%', at + 2)) {
    const char next = at + 1 < value.size() ? value[at + 1] : '\0';
    if (next == '%') continue;
    if (!tokens || kTokens.find(next) == std::string_view::npos)
      refuse(origin, fmt::format("{} holds '%{}', which ssh would expand (write %% for a %)", name,
                                 next == '\0' ? std::string() : std::string(1, next)));
  }
  if (words == Words::one && value.find(' ') != std::string::npos) return "\"" + value + "\"";
  return value;
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t dot = std::min(text.find('.', start), text.size());
    const std::string_view part = text.substr(start, dot - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) || std::stoi(std::string(part)) > 255)
      return false;
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view text) {
  return text.find(':') != std::string_view::npos &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; });
}

bool among(std::span<const char* const> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The option's name in OpenSSH's spelling; refused when lxhost does not write it, or when its value's
// TOML type is one ssh does not take for it.
std::string_view known_option(const SshOption& option) {
  const std::string wanted = lower(option.name);
  const Origin& origin = option.value.origin;
  const auto same = [&](std::string_view name) { return lower(name) == wanted; };
  if (const auto* refused = std::find_if(kRefusedOptions.begin(), kRefusedOptions.end(),
                                         [&](const RefusedOption& r) { return same(r.name); });
      refused != kRefusedOptions.end())
    refuse(origin, fmt::format("ssh_config.options: '{}' is left out on purpose: {}", refused->name, refused->why));
  const auto* known = std::find_if(kAllowedOptions.begin(), kAllowedOptions.end(), same);
  if (known == kAllowedOptions.end()) {
    const auto suggestion = closest(option.name, std::vector<std::string>(kAllowedOptions.begin(), kAllowedOptions.end()));
    refuse(origin, fmt::format("ssh_config.options: '{}' is not an option lxhost writes{}", printable(option.name),
                               suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : ""));
  }
  const std::string_view name = *known;
  if (option.written == SshOption::Written::integer && !among(kNumberOptions, name))
    refuse(origin, fmt::format("ssh_config.options: {} takes no number: write its value as a string", name));
  if (option.written == SshOption::Written::boolean && !among(kYesNoOptions, name))
    refuse(origin, fmt::format("ssh_config.options: {} takes no yes or no: write its value as a string", name));
  return name;
}

void append_line(std::string& out, std::string_view key, const std::string& value) {
  out += fmt::format("    {} {}\n", key, value);
}

}  // namespace

bool is_dns_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    start = dot + 1;
  }
  return true;
}

std::string render_ssh_config(const Config& config, const SshConfigRender& how) {
  // The config's path goes into the header comment: a line break in it would start a new line.
  if (std::any_of(config.source.begin(), config.source.end(), is_control))
    refuse(Origin{}, fmt::format("the config file's path '{}' holds a control character", printable(config.source)));
  std::string out = fmt::format(
      "# Written by `lxhost ssh-config --install` from {}; changes here are overwritten.\n"
      "# `lxhost ssh-config` shows what it would write; README's ssh section says what each line is for.\n",
      config.source.empty() ? "lxhost's built-in defaults" : config.source);

  // The container hosts themselves: their names reach them with lxhost's settings.
  std::vector<std::string> excluded;
  for (const HostConfig& host : config.hosts) {
    if (!is_dns_name(host.name))
      refuse(Origin{}, fmt::format("host name '{}' (a [hosts.*] key) is not a valid DNS name", printable(host.name)));
    const std::string& address = host.address.value;
    if (!is_dns_name(address) && !is_ipv4(address) && !is_ipv6(address))
      refuse(host.address.origin, fmt::format("hosts.{}.address '{}' is not a host name or an IP address", host.name, printable(address)));
    // ssh matches Host patterns case-sensitively: a name is excluded from *.local lower-cased,
    // so the block must match that spelling too, not only the configured one.
    std::vector<std::string> patterns;
    for (const std::string& name : {host.name, lower(host.name), address, lower(address)})
      if (std::find(patterns.begin(), patterns.end(), name) == patterns.end()) patterns.push_back(name);
    for (const std::string& name : {host.name, address})
      // What `*.local` matches (not "e.local.", with its final dot).
      if (lower(name).ends_with(".local") && std::find(excluded.begin(), excluded.end(), lower(name)) == excluded.end())
        excluded.push_back(lower(name));
    out += fmt::format("\nHost {}\n", fmt::join(patterns, " "));
    append_line(out, "HostName", address);
    if (host.port.user_set()) append_line(out, "Port", std::to_string(host.port.value));
    if (host.user.user_set() && !host.user.value.empty())
      append_line(out, "User", ssh_value("User", host.user.value, host.user.origin));
    if (host.identity_file.user_set() && !host.identity_file.value.empty())
      append_line(out, "IdentityFile", ssh_value("IdentityFile", host.identity_file.value, host.identity_file.origin));
    if (host.known_hosts.user_set() && !host.known_hosts.value.empty())
      append_line(out, "UserKnownHostsFile", ssh_value("UserKnownHostsFile", host.known_hosts.value, host.known_hosts.origin));
    if (host.host_key.value == HostKeyPolicy::accept_new) append_line(out, "StrictHostKeyChecking", "accept-new");
  }

  // Every other .local name is a container: the [ssh_config] settings, and a way in.
  const SshConfigConfig& ssh = config.ssh_config;
  out += "\nHost *.local";
  for (const std::string& name : excluded) out += " !" + name;
  out += "\n";
  append_line(out, "User", ssh_value("User", ssh.user.value, ssh.user.origin));
  append_line(out, "PreferredAuthentications",
              ssh_value("PreferredAuthentications", ssh.preferred_authentications.value, ssh.preferred_authentications.origin));
  append_line(out, "IdentityFile", ssh_value("IdentityFile", ssh.identity_file.value, ssh.identity_file.origin));
  for (const SshOption& option : ssh.options) {
    const std::string_view name = known_option(option);
    const bool several = std::find(kWordOptions.begin(), kWordOptions.end(), name) != kWordOptions.end();
    append_line(out, name, ssh_value(name, option.value.value, option.value.origin, several ? Words::several : Words::one));
  }
  if (ssh.via_host.value != ViaHost::never) {
    // ProxyCommand runs through the user's shell after ssh expanded its % tokens: each word is
    // quoted for the shell, and a % in a path is written %% so that ssh leaves it alone.
    auto word = [](const std::string& text) {
      for (char c : text)
        if (is_control(c)) refuse(Origin{}, fmt::format("the path '{}' holds a control character", printable(text)));
      std::string quoted;
      for (char c : quote_word(text)) quoted += c == '%' ? std::string("%%") : std::string(1, c);
      return quoted;
    };
    std::string command = word(how.lxhost_path);
    if (!how.config_file.empty()) command += " -c " + word(how.config_file);
    command += ssh.via_host.value == ViaHost::always ? " proxy --via-host %h %p" : " proxy %h %p";
    append_line(out, "ProxyCommand", command);
  }
  return out;
}

bool has_include(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line == kIncludeLine) return true;
    start = end + 1;
  }
  return false;
}

std::string with_include(std::string_view text) {
  if (has_include(text)) return std::string(text);
  const size_t newline = text.find('\n');
  const bool crlf = newline != std::string_view::npos && newline > 0 && text[newline - 1] == '\r';
  return std::string(kIncludeLine) + (crlf ? "\r\n" : "\n") + std::string(text);
}

std::string without_include(std::string_view text) {
  // with_include puts the line first: take exactly that line, and its line ending, away.
  if (!text.starts_with(kIncludeLine)) return std::string(text);
  std::string_view rest = text.substr(kIncludeLine.size());
  if (rest.starts_with("\r\n")) rest.remove_prefix(2);
  else if (rest.starts_with('\n')) rest.remove_prefix(1);
  else if (!rest.empty()) return std::string(text);  // the line goes on: not ours
  return std::string(rest);
}

}  // namespace lxhost
